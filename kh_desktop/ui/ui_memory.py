"""What the window remembers per user (QSettings): its geometry and state, the chosen tab, the splitters, the
column widths. Everything is restored only where it still fits the screen in use now (screen_fit's rule); a
value that does not fit, or that a damaged settings file garbled, is ignored and the default used."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter, QTableView

from .screen_fit import Box, all_available_areas, available_area, fit_window, fits_on_some, usable_widths

GEOMETRY_KEY = "window/geometry"  # QWidget.saveGeometry(): position, size, maximized, screen
FRAME_KEY = "window/frame"  # the normal (not maximized) frame "x,y,w,h": what the fit check reads
STATE_KEY = "window/state"  # QMainWindow.saveState()
TAB_KEY = "window/tab"  # "summary" or a unit id


def normal_frame(window: QMainWindow) -> Box:
    """The window's outer rectangle (title bar and borders included) when not maximized."""
    inner, outer = window.geometry(), window.frameGeometry()
    normal = window.normalGeometry() if window.isMaximized() or window.isFullScreen() else inner
    if normal.isEmpty():
        normal = inner
    left, top = inner.x() - outer.x(), inner.y() - outer.y()
    right, bottom = outer.width() - inner.width() - left, outer.height() - inner.height() - top
    return Box(normal.x() - left, normal.y() - top, normal.width() + left + right, normal.height() + top + bottom)


def save_window(window: QMainWindow, settings: QSettings) -> None:
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    settings.setValue(STATE_KEY, window.saveState())
    settings.setValue(FRAME_KEY, normal_frame(window).to_text())


def restore_window(window: QMainWindow, settings: QSettings) -> bool:
    """Put the window where the person left it if that still fits one screen; else the default size, centred."""
    frame = Box.from_text(settings.value(FRAME_KEY, ""))
    geometry = settings.value(GEOMETRY_KEY)
    if frame is not None and geometry and fits_on_some(frame, all_available_areas()):
        if window.restoreGeometry(geometry):
            state = settings.value(STATE_KEY)
            if state:
                window.restoreState(state)
            return True
    fit_window(window)
    return False


def _ints(value) -> list:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def apply_splitter(splitter: QSplitter, settings: QSettings, key: str) -> None:
    """Give `splitter` the proportions last chosen; Qt scales them to the space it has now, so they always fit."""
    sizes = usable_widths(_ints(settings.value(key)), splitter.count(), 100_000)
    if sizes:
        splitter.setSizes(sizes)


def save_splitter(splitter: QSplitter, settings: QSettings, key: str) -> None:
    sizes = splitter.sizes()
    if all(size > 0 for size in sizes):  # a splitter never laid out (a tab never shown) has nothing to say
        settings.setValue(key, sizes)


def apply_columns(view: QTableView, settings: QSettings, key: str) -> None:
    """Give the person-resizable columns of `view` the widths last chosen, if none is wider than the screen now."""
    header = view.horizontalHeader()
    widths = usable_widths(_ints(settings.value(key)), header.count(), available_area(view).width)
    if widths:
        for column, width in enumerate(widths):
            if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Interactive:
                header.resizeSection(column, width)


def save_columns(view: QTableView, settings: QSettings, key: str) -> None:
    header = view.horizontalHeader()
    settings.setValue(key, [header.sectionSize(column) for column in range(header.count())])
