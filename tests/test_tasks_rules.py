"""The task rules judged against a given day: overdue, due soon, 06-rõ gaps, recurring deadlines; the seed file."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from kh_desktop.domain.plan import load_plan_text
from kh_desktop.tasks import DONE, IN_PROGRESS, NOT_STARTED, OVERDUE, QUARTERLY, YEARLY, Task, TaskRefused
from kh_desktop.tasks.edit import apply_changes, parse_field
from kh_desktop.tasks.model import parse_due, parse_status
from kh_desktop.tasks.rules import (
    GAP_DEADLINE,
    GAP_PERSON,
    counts_by_status,
    effective_due,
    effective_status,
    gaps,
    is_due_soon,
    next_occurrence,
    period_end,
)
from kh_desktop.tasks.seed import parse_seed_text
from tests.conftest import PLAN_DOCUMENT, PLAN_PATH, ROOT

TASKS_PATH = ROOT / "resources" / "plan" / "kien-hai-2026-2030-tasks.json"


def task(**fields) -> Task:
    return Task(id="t", unit="kinh-te", title="Báo cáo", **fields)


def test_overdue_is_judged_from_deadline_and_today():
    t = task(due=date(2026, 9, 30), status=IN_PROGRESS)
    assert effective_status(t, date(2026, 9, 30)) == IN_PROGRESS  # the deadline day itself is not late
    assert effective_status(t, date(2026, 10, 1)) == OVERDUE
    assert effective_status(t.with_changes(status=DONE), date(2027, 1, 1)) == DONE
    assert effective_status(task(), date(2030, 1, 1)) == NOT_STARTED  # no deadline: never overdue


def test_due_soon_window():
    t = task(due=date(2026, 9, 30))
    assert is_due_soon(t, date(2026, 9, 16))
    assert is_due_soon(t, date(2026, 9, 30))
    assert not is_due_soon(t, date(2026, 9, 15))
    assert not is_due_soon(t, date(2026, 10, 1))  # overdue, not "soon"
    assert not is_due_soon(t.with_changes(status=DONE), date(2026, 9, 20))


def test_gaps_of_the_six():
    assert gaps(task()) == [GAP_PERSON, GAP_DEADLINE]
    assert gaps(task(person="Nguyễn Văn A", recurrence=YEARLY)) == []
    assert gaps(task(person="  ", due=date(2026, 12, 31))) == [GAP_PERSON]


def test_recurring_occurrences():
    assert period_end(QUARTERLY, date(2026, 5, 14)) == date(2026, 6, 30)
    assert period_end(QUARTERLY, date(2026, 12, 1)) == date(2026, 12, 31)
    assert next_occurrence(QUARTERLY, date(2026, 6, 30)) == date(2026, 9, 30)
    assert next_occurrence(QUARTERLY, date(2026, 12, 31)) == date(2027, 3, 31)
    assert next_occurrence(YEARLY, date(2026, 12, 31)) == date(2027, 12, 31)
    quarterly = task(recurrence=QUARTERLY)
    assert effective_due(quarterly, date(2026, 8, 2)) == date(2026, 9, 30)
    assert effective_status(quarterly, date(2026, 8, 2)) == NOT_STARTED
    # Done for the second quarter: done until 30/6 passes, then the third quarter opens, then it is late.
    done_q2 = quarterly.with_changes(due=date(2026, 6, 30), status=DONE)
    assert effective_status(done_q2, date(2026, 6, 20)) == DONE
    assert effective_status(done_q2, date(2026, 7, 1)) == NOT_STARTED
    assert effective_due(done_q2, date(2026, 7, 1)) == date(2026, 9, 30)
    assert effective_status(done_q2, date(2026, 10, 1)) == OVERDUE
    # Working on it again stores the open occurrence's date.
    reopened = apply_changes(done_q2, {"status": IN_PROGRESS}, date(2026, 7, 5))
    assert reopened.due == date(2026, 9, 30) and effective_status(reopened, date(2026, 7, 5)) == IN_PROGRESS


def test_counts_by_status_has_every_status():
    today = date(2026, 10, 1)
    tasks = [task(due=date(2026, 9, 1)), task(status=DONE), task(status=IN_PROGRESS), task()]
    assert counts_by_status(tasks, today) == {OVERDUE: 1, NOT_STARTED: 1, IN_PROGRESS: 1, DONE: 1}


def test_parsing_refuses_bad_input_in_vietnamese():
    assert parse_due("30/09/2026") == parse_due("2026-09-30") == date(2026, 9, 30)
    assert parse_due("") is None
    for bad in ("2026-02-30", "30.9.2026", "mai"):
        with pytest.raises(TaskRefused, match="không phải là ngày hợp lệ"):
            parse_due(bad)
    assert parse_status("Hoàn thành") == parse_status("hoan thanh") == DONE
    with pytest.raises(TaskRefused, match="tự xác định"):
        parse_status("quá hạn")
    plan = load_plan_text(PLAN_PATH.read_text(encoding="utf-8"))
    with pytest.raises(TaskRefused, match="Không có đơn vị"):
        parse_field(plan, "unit", "Phòng Không Có")
    with pytest.raises(TaskRefused, match="Không có chỉ tiêu"):
        parse_field(plan, "indicators", "1, 99")
    assert parse_field(plan, "indicators", "4B, 1") == ("1", "4b")


def test_status_and_progress_go_together():
    today = date(2026, 7, 1)
    assert apply_changes(task(), {"status": DONE}, today).progress == 100
    assert apply_changes(task(), {"progress": 30}, today).status == IN_PROGRESS


@pytest.fixture(scope="module")
def seeded():
    plan = load_plan_text(PLAN_PATH.read_text(encoding="utf-8"))
    tasks, _ = parse_seed_text(TASKS_PATH.read_text(encoding="utf-8"), plan)
    return plan, tasks


def test_seed_covers_every_unit_and_keeps_the_plans_words(seeded):
    plan, tasks = seeded
    assert {t.unit for t in tasks} == {u.id for u in plan.units}
    document = " ".join(PLAN_DOCUMENT.read_text(encoding="utf-8").split())
    for t in tasks:
        assert " ".join(t.title.split()) in document, t.source


def test_seed_links_the_indicators_the_plan_names(seeded):
    plan, tasks = seeded
    by_source = {t.source: t for t in tasks}
    # "trực tiếp tham mưu ... các chỉ tiêu 1,2,3,4,5,6,7,8,14,15": every row of those numbers.
    named = {"1", "2", "3", "4", "5", "6", "7", "8", "14", "15"}
    expected = {i.code for i in plan.indicators if i.stt.split(".")[0].rstrip("bcd") in named}
    expected |= {c for c in ("4b", "5b", "15b")}
    assert set(by_source["IV.1.1"].indicators) == expected
    assert "21" in by_source["IV.7.1"].indicators and "22" in by_source["IV.8.1"].indicators
    assert {"18b", "19b"} <= set(by_source["III.5.1b"].indicators)
    assert {"15", "15b"} <= set(by_source["III.4.1c"].indicators)
    assert by_source["IV.1.4"].recurrence == QUARTERLY and by_source["IV.11.1"].recurrence == YEARLY
    assert by_source["IV.11.2"].due == date(2028, 12, 31)
    # Every indicator of the annex is driven by at least one task.
    linked = {code for t in tasks for code in t.indicators}
    assert linked == {i.code for i in plan.indicators}


def test_seed_file_is_plain_data():
    raw = json.loads(TASKS_PATH.read_text(encoding="utf-8"))
    assert raw["plan_id"] == "kien-hai-2026-2030"
    assert len({t["key"] for t in raw["tasks"]}) == len(raw["tasks"])


def plan_bullets(start: str, end: str) -> dict[tuple[int, int], str]:
    """(heading, bullet) -> the bullet's words, for the plan text between two headings (a bullet may run on
    into the next paragraph, as one in III.6 does)."""
    text = PLAN_DOCUMENT.read_text(encoding="utf-8")
    section = text[text.index(start) : text.index(end)]
    bullets: dict[tuple[int, int], str] = {}
    heading, last = 0, None
    for line in section.splitlines()[1:]:
        line = line.strip()
        if not line:
            continue
        if match := re.match(r"^(\d+)\. ", line):
            heading, count = int(match[1]), 0
            last = None
        elif line.startswith("- "):
            count += 1
            last = (heading, count)
            bullets[last] = line[2:]
        elif last is not None:
            bullets[last] += " " + line
    return {key: " ".join(words.split()) for key, words in bullets.items()}


def test_seed_is_the_plan_text_cut_into_tasks():
    """Section IV: one task per bullet, of the unit the heading names (headings 9-11 name no unit: Văn phòng
    assigns them). Section III: each bullet's tasks, read in order, are the bullet's words (some bullets are cut
    at sentences into tasks for different units)."""
    plan = load_plan_text(PLAN_PATH.read_text(encoding="utf-8"))
    seeded = json.loads(TASKS_PATH.read_text(encoding="utf-8"))["tasks"]
    flat = {t["key"]: " ".join(t["title"].split()) for t in seeded}
    unit_of = {t["key"]: t["unit"] for t in seeded}

    section_iv = plan_bullets("IV. TỔ CHỨC THỰC HIỆN", "Trên đây là Kế hoạch")
    assert {k: v for k, v in flat.items() if k.startswith("IV.")} == {
        f"IV.{h}.{b}": w for (h, b), w in section_iv.items()
    }
    text = PLAN_DOCUMENT.read_text(encoding="utf-8")
    headings = dict(re.findall(r"^(\d+)\. (.+)$", text[text.index("IV. TỔ CHỨC THỰC HIỆN") :], flags=re.MULTILINE))
    for h, b in section_iv:
        expected = plan.unit(headings[str(h)].strip()).id if h <= 8 else "van-phong"
        assert unit_of[f"IV.{h}.{b}"] == expected, (h, b)

    section_iii = plan_bullets("III. NHIỆM VỤ, GIẢI PHÁP", "IV. TỔ CHỨC THỰC HIỆN")
    pieces: dict[tuple[int, int], list[str]] = {}
    for key in sorted(k for k in flat if k.startswith("III.")):
        match = re.fullmatch(r"III\.(\d+)\.(\d+)([a-z]?)", key)
        assert match, key
        pieces.setdefault((int(match[1]), int(match[2])), []).append(flat[key])
    assert {key: " ".join(parts) for key, parts in pieces.items()} == section_iii
    assert len(seeded) == len(section_iv) + sum(len(parts) for parts in pieces.values())
