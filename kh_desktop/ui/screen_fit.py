"""How big a window or dialog may be on the screen it opens on, and whether a remembered geometry still fits.

Office PCs run 1366×768 laptops and 1920×1080 monitors at 125–150 % scaling: at 150 % a 1366×768 screen is only
911×512 logical pixels, less the taskbar. The rule lives here, once: the main window and every dialog ask
`fit_window` / `fit_dialog`, and the remembered window geometry is restored only when `fits_on_some` says so.

The rule itself (`Box`, `fit_size`, `centred`, `fits_on_some`, `usable_widths`) is plain Python so that it can be
tested without a screen; the Qt helpers below it only read the screens and apply it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# At most this share of the available area (taskbar excluded): the window's frame and title bar need the rest.
FRACTION = 0.9


@dataclass(frozen=True)
class Box:
    """A rectangle in logical pixels (what Qt's geometry calls use at any scaling)."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:  # one past the last column, unlike QRect.right()
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def contains(self, other: Box) -> bool:
        return (
            other.width > 0
            and other.height > 0
            and other.x >= self.x
            and other.y >= self.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def to_text(self) -> str:
        return f"{self.x},{self.y},{self.width},{self.height}"

    @classmethod
    def from_text(cls, text) -> Box | None:
        """The box written by to_text, or None for anything else (a hand-edited or damaged settings file)."""
        try:
            x, y, width, height = (int(part) for part in str(text).split(","))
        except (TypeError, ValueError):
            return None
        return cls(x, y, width, height) if width > 0 and height > 0 else None


def fit_size(wanted: tuple[int, int] | None, available: Box, fraction: float = FRACTION) -> tuple[int, int]:
    """`wanted` (width, height) made no larger than `fraction` of the available area; None wants all of that."""
    limit_w, limit_h = int(available.width * fraction), int(available.height * fraction)
    if wanted is None:
        return limit_w, limit_h
    return min(wanted[0], limit_w), min(wanted[1], limit_h)


def centred(size: tuple[int, int], available: Box) -> Box:
    width, height = min(size[0], available.width), min(size[1], available.height)
    return Box(
        available.x + (available.width - width) // 2, available.y + (available.height - height) // 2, width, height
    )


def fits_on_some(frame: Box, screens: Sequence[Box]) -> bool:
    """Whether a remembered window (its frame, title bar included) lies wholly inside one screen's available area.

    A window left on a big monitor that is no longer plugged in, or one larger than the screen now in use, does
    not: it opens at the default size instead."""
    return any(screen.contains(frame) for screen in screens)


def column_scale(available_width: int, full_width: int) -> float:
    """How much a table whose columns want `full_width` pixels should narrow them on a screen this wide: down to
    two thirds (1366×768 at 125–150 % is 911–1093 logical pixels wide), never wider than asked."""
    return max(0.66, min(1.0, (available_width - 160) / full_width))


def usable_widths(saved: Sequence, count: int, limit: int) -> list[int] | None:
    """Remembered column widths, if there is one per column and each is sensible (1..limit); otherwise None."""
    try:
        widths = [int(w) for w in saved]
    except (TypeError, ValueError):
        return None
    if len(widths) != count or any(not 0 < w <= limit for w in widths):
        return None
    return widths


# ---- Qt: reading the screens and applying the rule -----------------------------------------------------------


def _box(rect) -> Box:
    return Box(rect.x(), rect.y(), rect.width(), rect.height())


def available_area(widget=None) -> Box:
    """The available area (taskbar excluded) of the screen `widget` is on, or of the primary screen."""
    from PySide6.QtGui import QGuiApplication

    screen = None
    if widget is not None:
        host = widget.parentWidget().window() if widget.parentWidget() is not None else widget
        screen = host.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return _box(screen.availableGeometry())


def all_available_areas() -> list[Box]:
    from PySide6.QtGui import QGuiApplication

    return [_box(screen.availableGeometry()) for screen in QGuiApplication.screens()]


def fit_window(window, wanted: tuple[int, int] | None = None) -> Box:
    """Size the main window to the rule (all of FRACTION by default) and centre it on its screen's available area."""
    available = available_area(window)
    box = centred(fit_size(wanted, available), available)
    window.setGeometry(box.x, box.y, box.width, box.height)
    return box


def fit_dialog(dialog, width: int, height: int) -> tuple[int, int]:
    """Give `dialog` the size it would like, but never more than FRACTION of the available area of its screen.

    Also caps its maximum size at the available area, so no later adjustSize makes it taller than the screen; Qt
    centres a dialog over its parent and keeps it on the screen when it is shown."""
    available = available_area(dialog)
    dialog.setMaximumSize(available.width, available.height)
    size = fit_size((width, height), available)
    dialog.resize(*size)
    keyboard_ready(dialog)
    return size


def keyboard_ready(dialog) -> None:
    """Enter and Esc, and Tab through every control, in `dialog`: Esc closes any QDialog already; Enter presses the
    first accepting button, or closes a dialog that has only a close button; Tab leaves tables and lists (Qt would
    otherwise move between their cells and never reach the buttons)."""
    from PySide6.QtWidgets import QAbstractItemView, QDialogButtonBox, QPushButton

    for view in dialog.findChildren(QAbstractItemView):  # the dialogs' tables and lists are all read-only
        view.setTabKeyNavigation(False)
    if any(button.isDefault() for button in dialog.findChildren(QPushButton)):
        return
    accepting = (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole)
    closing = (QDialogButtonBox.ButtonRole.RejectRole, QDialogButtonBox.ButtonRole.NoRole)
    for box in dialog.findChildren(QDialogButtonBox):
        buttons = box.buttons()
        default = next((b for b in buttons if box.buttonRole(b) in accepting), None)
        if default is None and all(box.buttonRole(b) not in accepting for b in buttons):
            default = next((b for b in buttons if box.buttonRole(b) in closing), None)
        if default is not None:
            default.setDefault(True)
            return
