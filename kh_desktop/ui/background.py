"""Long work off the UI thread, with a progress dialog, results handed back on the UI thread.

`work(progress)` runs in a pool thread. It must open its own Store (a sqlite3 connection never
crosses threads) and touch no widget. It may call `progress(percent, text="")`; if the user pressed
"Hủy", that call raises `Cancelled`. Its return value goes to `on_done(result)`, an exception to
`on_error(message)` (or a message box), both called on the UI thread through queued signals.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget


class Cancelled(Exception):
    """Raised inside the work when the user cancelled it."""


class _Signals(QObject):
    progressed = Signal(int, str)
    finished = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, work: Callable):
        super().__init__()
        self.setAutoDelete(False)
        self.work = work
        self.signals = _Signals()
        self.cancelled = False

    def progress(self, percent: float, text: str = "") -> None:
        if self.cancelled:
            raise Cancelled()
        self.signals.progressed.emit(int(max(0, min(100, percent))), str(text))

    def run(self) -> None:
        try:
            result = self.work(self.progress)
        except Cancelled:
            self.signals.failed.emit("")
        except Exception as exc:  # noqa: BLE001 - reported to the user on the UI thread
            message = str(exc) or exc.__class__.__name__
            if not isinstance(exc, ValueError):
                traceback.print_exc()
            self.signals.failed.emit(message)
        else:
            self.signals.finished.emit(result)


class _Watcher(QObject):
    """Lives on the UI thread; its slots receive the job's signals there (queued across threads)."""

    def __init__(self, job: _Job, dialog: QProgressDialog, title: str, on_done, on_error, parent: QWidget | None):
        super().__init__(dialog)
        self.job, self.dialog, self.title = job, dialog, title
        self.on_done, self.on_error, self.parent_widget = on_done, on_error, parent
        self._in_set_value = False

    @Slot(int, str)
    def progressed(self, percent: int, text: str) -> None:
        if self.job not in _running or self._in_set_value:
            return  # finished already, or a report that came while the dialog was being updated: the next one will do
        if text:
            self.dialog.setLabelText(text)
        # setValue of a modal progress dialog handles pending events itself, the job's "finished" among them:
        # finishing (which closes the dialog and may open another) waits until setValue has returned.
        self._in_set_value = True
        try:
            self.dialog.setValue(percent)
        finally:
            self._in_set_value = False

    @Slot()
    def cancel(self) -> None:
        self.job.cancelled = True

    def _finish(self) -> None:
        _running.pop(self.job, None)
        self.dialog.close()
        self.dialog.deleteLater()

    @Slot(object)
    def finished(self, result) -> None:
        if self._in_set_value:
            QTimer.singleShot(0, lambda: self.finished(result))
            return
        self._finish()
        self.on_done(result)

    @Slot(str)
    def failed(self, message: str) -> None:
        if self._in_set_value:
            QTimer.singleShot(0, lambda: self.failed(message))
            return
        self._finish()
        if not message:  # cancelled: nothing to say
            return
        if self.on_error is not None:
            self.on_error(message)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.title, message, QMessageBox.StandardButton.Ok, self.parent_widget
        )
        box.button(QMessageBox.StandardButton.Ok).setText("Đóng")
        box.exec()


_running: dict[_Job, _Watcher] = {}  # keep jobs and their watchers alive until they report


def run_in_background(
    parent: QWidget | None,
    title: str,
    work: Callable[[Callable[..., None]], object],
    on_done: Callable[[object], None],
    on_error: Callable[[str], None] | None = None,
) -> _Job:
    """Start `work(progress)` in the background; returns the job (tests may wait on `job.signals`)."""
    cancel_text = "Hủy"
    dialog = QProgressDialog(title, cancel_text, 0, 100, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)  # quick work finishes without a flash
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)

    job = _Job(work)
    watcher = _Watcher(job, dialog, title, on_done, on_error, parent)
    _running[job] = watcher
    job.signals.progressed.connect(watcher.progressed)
    job.signals.finished.connect(watcher.finished)
    job.signals.failed.connect(watcher.failed)
    dialog.canceled.connect(watcher.cancel)
    QThreadPool.globalInstance().start(job)
    return job
