"""The window's one door to the working database, and the one signal that says figures changed.

Every view listens to `figures_changed` and refreshes itself; nobody calls another view's refresh.
Writes made elsewhere (Excel import, exchange receive) call `notify(change)` after they finish.
Lives on the UI thread: the Store it holds must not be used from another thread.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..domain.evaluation import format_value
from ..storage.store import Change, Store


@dataclass(frozen=True)
class FigureState:
    """What a figure cell held: its value, whether it is an estimate, its note."""

    value: float | str
    estimate: bool = False
    note: str = ""


class StoreService(QObject):
    """Holds the Store, wraps its writes into undoable edits, and announces every change."""

    figures_changed = Signal(object)  # a storage Change
    edit_failed = Signal(str)  # an undo/redo that the store refused, in Vietnamese

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.undo_stack = QUndoStack(self)

    # ---- who is entering ----------------------------------------------------------------------

    @property
    def person(self) -> str:
        return self.store.meta("person") or ""

    def set_identity(self, unit_id: str | None, person: str) -> None:
        """Change the PC's unit and the person's name (the Settings dialog)."""
        self.store.set_pc_unit(unit_id)
        self.store.set_meta("person", person.strip())
        self.notify(Change(kind="settings"))

    # ---- writing ------------------------------------------------------------------------------

    def state(self, code: str, period: str) -> FigureState | None:
        figure = self.store.figure(code, period)
        if figure is None:
            return None
        return FigureState(figure.value, figure.estimate, figure.note)

    def record(self, code: str, period: str, raw, *, estimate: bool = False, note: str = "") -> Change:
        """Validate and save a figure at once; raise (ValueRefused, NumberError, StoreError…) and write nothing."""
        before = self.state(code, period)
        change = self.store.record(code, period, raw, estimate=estimate, note=note, by=self.person)
        after = self.state(code, period)
        self._push(code, period, before, after)
        self.figures_changed.emit(change)
        return change

    def clear(self, code: str, period: str) -> Change:
        """Remove a figure (history keeps it)."""
        before = self.state(code, period)
        change = self.store.clear(code, period, by=self.person)
        if change.figures:
            self._push(code, period, before, None)
            self.figures_changed.emit(change)
        return change

    def notify(self, change: Change) -> None:
        """Announce a write made outside this service (import, exchange) so every view refreshes."""
        self.figures_changed.emit(change)

    @contextmanager
    def batch(self, title: str):
        """Group several edits (a paste) into one undo step."""
        self.undo_stack.beginMacro(title)
        try:
            yield
        finally:
            self.undo_stack.endMacro()

    def _push(self, code: str, period: str, before: FigureState | None, after: FigureState | None) -> None:
        if before == after:
            return
        self.undo_stack.push(_SavedEdit(self, code, period, before, after))

    def _apply(self, code: str, period: str, state: FigureState | None) -> None:
        """Write a state back as a new revision (used by undo and redo, never pushed again)."""
        try:
            if state is None:
                change = self.store.clear(code, period, by=self.person)
            else:
                change = self.store.record(
                    code, period, state.value, estimate=state.estimate, note=state.note, by=self.person
                )
        except ValueError as exc:  # ValueRefused, StoreError, PlanError are ValueErrors
            self.edit_failed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a failed undo must not take the window down
            self.edit_failed.emit(f"Không hoàn tác được: {exc}")
            return
        self.figures_changed.emit(change)


class _SavedEdit(QUndoCommand):
    """An edit already saved; undo/redo re-record the other value as a new revision."""

    def __init__(self, service: StoreService, code: str, period: str, before, after):
        label = format_value(after.value) if after else service.tr("xóa")
        super().__init__(service.tr("Nhập {code} ({period}): {value}").format(code=code, period=period, value=label))
        self._service, self._code, self._period = service, code, period
        self._before, self._after = before, after
        self._first = True

    def redo(self) -> None:
        if self._first:  # the store already holds the value: pushing must not write twice
            self._first = False
            return
        self._service._apply(self._code, self._period, self._after)

    def undo(self) -> None:
        self._service._apply(self._code, self._period, self._before)
