"""One vocabulary: verdicts as an enum with their labels defined once, one base class for messages to the person,
caught in one place per front end."""

from __future__ import annotations

import json
import sys

from PySide6.QtWidgets import QMessageBox

from kh_desktop.cli.common import CommandError
from kh_desktop.domain.errors import UserError
from kh_desktop.domain.evaluation import MET, VERDICT_LABELS, ValueRefused, Verdict
from kh_desktop.domain.numbers import NumberError
from kh_desktop.domain.periods import PeriodError
from kh_desktop.domain.plan import PlanError
from kh_desktop.excel.common import ExcelError
from kh_desktop.identity import IdentityError
from kh_desktop.reports.render import ReportError
from kh_desktop.storage.exchange_file import ExchangeRefused
from kh_desktop.storage.files import StoreError
from kh_desktop.tasks.model import TaskRefused
from kh_desktop.ui.app import install_error_hook
from kh_desktop.ui.main_window import MainWindow
from kh_desktop.ui.store_service import StoreService

from .conftest import run_cli


def test_verdicts_are_one_enum_with_labels_and_symbols():
    assert [v.value for v in Verdict] == ["exceeded", "met", "not_met", "no_data"]
    assert [v.label for v in Verdict] == ["Vượt", "Đạt", "Không đạt", "Chưa có số liệu"]
    assert MET is Verdict.MET and MET == "met" and json.dumps({"verdict": MET}) == '{"verdict": "met"}'
    assert VERDICT_LABELS[Verdict.NOT_MET] == Verdict.NOT_MET.label and Verdict.EXCEEDED.symbol == "▲"


def test_every_error_for_the_person_shares_one_base():
    for kind in (ValueRefused, NumberError, PeriodError, PlanError, TaskRefused, StoreError, CommandError):
        assert issubclass(kind, UserError), kind
    for kind in (ReportError, ExcelError, IdentityError, ExchangeRefused):
        assert issubclass(kind, UserError), kind
    assert issubclass(PlanError, ValueError)  # callers that catch ValueError keep working


def test_command_line_shows_a_refusal_as_a_message(cli_db):
    result = run_cli("set", "1", "2026-Q7", "5", db=cli_db)
    assert result.returncode == 2 and result.stderr.startswith("Lỗi: ") and "Traceback" not in result.stderr


def test_window_shows_an_unhandled_refusal_as_a_message(qtbot, store, ui_settings):
    window = MainWindow(StoreService(store), ui_settings)
    qtbot.addWidget(window)
    previous, passed_on = sys.excepthook, []
    sys.excepthook = lambda *args: passed_on.append(args[1])
    try:
        install_error_hook(window)
        sys.excepthook(StoreError, StoreError("Ổ đĩa đã đầy: số liệu vừa nhập chưa được ghi."), None)
        boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        assert [b.text() for b in boxes] == ["Ổ đĩa đã đầy: số liệu vừa nhập chưa được ghi."]
        assert passed_on == []
        bug = KeyError("x")
        sys.excepthook(KeyError, bug, None)
        assert passed_on == [bug]  # a programming error keeps its traceback
        boxes[0].close()
    finally:
        sys.excepthook = previous
