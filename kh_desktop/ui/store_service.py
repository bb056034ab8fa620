"""The window's one door to the working database, and the one signal that says what changed.

Every write the window makes goes through a method here (figures, tasks, settled conflicts, an Excel import,
the PC's settings), returns a `Change` whose `kind` is a `ChangeKind`, and is announced on `figures_changed`;
the views only listen and refresh themselves. Figure edits, task edits and settled conflicts are pushed on
`undo_stack` (Hoàn tác / Làm lại). The exchange menu (issue 11) still writes through its own code and calls
`notify(change)` after it finishes. Lives on the UI thread: the Store must not be used from another thread.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..domain.errors import UserError
from ..domain.evaluation import format_value
from ..storage import task_store
from ..storage.store import Change, ChangeKind, Store
from ..tasks.model import Task

if TYPE_CHECKING:  # the conflict code loads when a conflict is first settled, not at start
    from ..storage.conflict_store import Conflict


@dataclass(frozen=True)
class FigureState:
    """What a figure cell held: its value, whether it is an estimate, its note."""

    value: float | str
    estimate: bool = False
    note: str = ""


class StoreService(QObject):
    """Holds the Store, makes the window's writes (undoable where a person expects it) and announces each."""

    figures_changed = Signal(object)  # a storage Change (its kind says figures, tasks, settings, exchange, restore)
    edit_failed = Signal(str)  # an undo/redo that the store refused, in Vietnamese

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.undo_stack = QUndoStack(self)

    # ---- who is entering ----------------------------------------------------------------------

    @property
    def person(self) -> str:
        return self.store.meta("person") or ""

    def set_identity(self, unit_id: str | None, person: str) -> Change:
        """Change the PC's unit and the person's name (the Settings dialog)."""
        self.store.set_pc_unit(unit_id)
        self.store.set_meta("person", person.strip())
        return self._announce(Change(kind=ChangeKind.SETTINGS))

    # ---- figures ------------------------------------------------------------------------------

    def state(self, code: str, period: str) -> FigureState | None:
        figure = self.store.figure(code, period)
        if figure is None:
            return None
        return FigureState(figure.value, figure.estimate, figure.note)

    def record(self, code: str, period: str, raw, *, estimate: bool = False, note: str = "") -> Change:
        """Validate and save a figure at once; raise (ValueRefused, NumberError, StoreError…) and write nothing."""
        before = self.state(code, period)
        change = self.store.record(code, period, raw, estimate=estimate, note=note, by=self.person)
        self._push_figure(code, period, before, self.state(code, period))
        return self._announce(change)

    def clear(self, code: str, period: str) -> Change:
        """Remove a figure (history keeps it)."""
        before = self.state(code, period)
        change = self.store.clear(code, period, by=self.person)
        if change.figures:
            self._push_figure(code, period, before, None)
            self._announce(change)
        return change

    def apply_import(self, preview) -> Change:
        """Write an Excel import the person confirmed (excel.importer's preview); one undo step for all of it."""
        from ..excel.importer import apply_import

        keys = {(c.code, c.period) for c in preview.changes}
        before = {key: self.state(*key) for key in keys}
        change = apply_import(self.store, preview, by=self.person)
        with self.batch(f"Nhập từ Excel: {len(keys)} số liệu"):
            for key in sorted(keys):
                self._push_figure(*key, before[key], self.state(*key))
        return self._announce(change)

    def _write_figure(self, code: str, period: str, state: FigureState | None) -> Change:
        if state is None:
            return self.store.clear(code, period, by=self.person)
        return self.store.record(code, period, state.value, estimate=state.estimate, note=state.note, by=self.person)

    def _push_figure(self, code: str, period: str, before: FigureState | None, after: FigureState | None) -> None:
        if before == after:
            return
        label = format_value(after.value) if after else "xóa"
        self._push(
            f"Nhập {code} ({period}): {label}",
            undo=lambda: self._write_figure(code, period, before),
            redo=lambda: self._write_figure(code, period, after),
        )

    # ---- tasks --------------------------------------------------------------------------------

    def add_task(self, unit_id: str, values: dict) -> tuple[Task, Change]:
        """Add a task from a dialog's values; TaskRefused/StoreError and nothing written when refused."""
        task, change = task_store.add_task(self.store, unit=unit_id, by=self.person, **values)
        self._push(
            f"Thêm nhiệm vụ: {_short(task.title)}",
            undo=lambda: task_store.remove_task(self.store, task.id, by=self.person),
            redo=lambda: task_store.restore_task(self.store, task, by=self.person)[1],
        )
        return task, self._announce(change)

    def update_task(self, task_id: str, changes: dict, today: date | None = None) -> tuple[Task, Change]:
        """Change fields of a task; nothing is written (and nothing pushed) when nothing changes."""
        before = task_store.find_task(self.store, task_id)
        task, change = task_store.update_task(self.store, task_id, changes, by=self.person, today=today)
        if change.revision:
            self._push(
                f"Sửa nhiệm vụ: {_short(task.title)}",
                undo=lambda: task_store.restore_task(self.store, before, by=self.person)[1],
                redo=lambda: task_store.restore_task(self.store, task, by=self.person)[1],
            )
            self._announce(change)
        return task, change

    # ---- conflicts ----------------------------------------------------------------------------

    def settle(self, conflict: Conflict, keep_revision_id: str) -> Change:
        """Keep one claim of a conflict; undo writes back the claim that was in use and reopens the conflict."""
        from ..storage import conflict_store

        kind, key = conflict.kind, tuple(conflict.key)
        figure = self.state(*key) if kind == conflict_store.FIGURE else None
        task = task_store.find_task(self.store, key[0]) if kind == conflict_store.TASK else None

        def write_back() -> Change:
            if task is not None:
                return task_store.restore_task(self.store, task, by=self.person)[1]
            return self._write_figure(*key, figure)

        other = conflict.other.revision_id
        side = "current" if keep_revision_id == conflict.current.revision_id else "other"
        change = conflict_store.settle(self.store, conflict, keep_revision_id, by=self.person)
        self._push(
            f"Xử lý xung đột: {conflict.label}",
            undo=lambda: conflict_store.reopen(self.store, kind, key, other, write_back),
            redo=lambda: conflict_store.settle_side(self.store, kind, key, side, by=self.person),
        )
        return self._announce(change)

    # ---- announcing ---------------------------------------------------------------------------

    def notify(self, change: Change) -> Change:
        """Announce a write made outside this service (the exchange menu, issue 11) so every view refreshes."""
        return self._announce(change)

    def _announce(self, change: Change) -> Change:
        self.figures_changed.emit(change)
        return change

    @contextmanager
    def batch(self, title: str):
        """Group several edits (a paste, an import) into one undo step."""
        self.undo_stack.beginMacro(title)
        try:
            yield
        finally:
            self.undo_stack.endMacro()

    def _push(self, text: str, undo: Callable[[], Change], redo: Callable[[], Change]) -> None:
        self.undo_stack.push(_SavedEdit(self, text, undo, redo))

    def _run(self, write: Callable[[], Change]) -> None:
        """Run an undo or redo: the change is announced, a refusal becomes `edit_failed`."""
        try:
            change = write()
        except UserError as exc:  # refused by the store: its message is for the person
            self.edit_failed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a failed undo must not take the window down
            self.edit_failed.emit(f"Không hoàn tác được: {exc}")
            return
        self._announce(change)


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _SavedEdit(QUndoCommand):
    """A write already saved; undo and redo each write the other state as a new revision (history keeps all)."""

    def __init__(self, service: StoreService, text: str, undo: Callable[[], Change], redo: Callable[[], Change]):
        super().__init__(text)
        self._service, self._undo, self._redo = service, undo, redo
        self._first = True

    def redo(self) -> None:
        if self._first:  # the store already holds the value: pushing must not write twice
            self._first = False
            return
        self._service._run(self._redo)

    def undo(self) -> None:
        self._service._run(self._undo)
