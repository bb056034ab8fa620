"""The task sheet ("Bảng phân công nhiệm vụ"): a unit's "06 rõ" tasks (or every unit's) in the report format.

Same page, header block, numbering and closing as the progress report (render.py); landscape, because the
table has the six "rõ" side by side.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..domain.numbers import format_number
from ..storage.store import Store
from ..storage.task_store import list_tasks
from ..tasks.model import DONE, IN_PROGRESS, NOT_STARTED, OVERDUE, RECURRENCE_LABELS, STATUS_LABELS, Task, format_due
from ..tasks.rules import counts_by_status, effective_due, effective_status, gaps, is_due_soon
from .content import vietnamese_date_line


@dataclass
class TaskSheet:
    """What render.py's header and closing read, plus the tasks to list."""

    issuing_body: list[str]
    doc_number: str
    date_line: str
    title: str
    subject: str
    signature: list[str]
    signer: str
    recipients: list[str]
    unit_signatures: bool
    unit_name: str | None
    today: date
    tasks: list[Task] = field(default_factory=list)


def build_task_sheet(store: Store, unit_id: str | None, today: date) -> TaskSheet:
    plan = store.plan
    body = [str(x) for x in plan.text("issuing_body", ["ỦY BAN NHÂN DÂN", plan.commune.upper()])]
    unit = plan.unit_by_id(unit_id) if unit_id else None
    commune_full = str(plan.text("commune_full", plan.commune))
    years = f"giai đoạn {plan.first_year} - {plan.last_year}"
    if unit is not None:
        issuing_body = [" ".join(body).replace("ỦY BAN NHÂN DÂN", "UBND"), unit.name.upper()]
        subject = f"Thực hiện Kế hoạch phát triển kinh tế - xã hội {years} của {unit.name}"
        recipients = [
            str(x) for x in plan.text("unit_recipients", ["UBND xã (b/c)", "Văn phòng HĐND và UBND xã (t/h)"])
        ]
    else:
        issuing_body = body
        subject = f"Thực hiện Kế hoạch phát triển kinh tế - xã hội {commune_full} {years}"
        recipients = [str(x) for x in plan.text("recipients", [])]
    return TaskSheet(
        issuing_body=issuing_body,
        doc_number=f"Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-{plan.text('doc_code', 'UBND')}",
        date_line=vietnamese_date_line(str(plan.text("place", plan.commune)), today),
        title="BẢNG PHÂN CÔNG NHIỆM VỤ",
        subject=subject,
        signature=[str(x) for x in plan.text("signature", [])] if unit is None else ["THỦ TRƯỞNG ĐƠN VỊ"],
        signer=str(plan.text("signer", "")) if unit is None else "",
        recipients=recipients,
        unit_signatures=unit is not None,
        unit_name=unit.name if unit else None,
        today=today,
        tasks=list_tasks(store, unit_id),
    )


def _e(text) -> str:
    return html.escape(str(text or ""), quote=False).replace("\n", "<br/>")


def _count(n: int) -> str:
    return format_number(n, 0)


def summary_lines(sheet: TaskSheet) -> list[str]:
    tasks, today = sheet.tasks, sheet.today
    counts = counts_by_status(tasks, today)
    who = sheet.unit_name or "các phòng, ban, đơn vị"
    missing = sum(bool(gaps(t)) for t in tasks)
    soon = sum(is_due_soon(t, today) for t in tasks)
    lines = [
        f"Tính đến ngày {today.strftime('%d/%m/%Y')}, {who} chủ trì {_count(len(tasks))} nhiệm vụ theo Kế hoạch: "
        f"{_count(counts[DONE])} nhiệm vụ hoàn thành, {_count(counts[IN_PROGRESS])} đang thực hiện, "
        f"{_count(counts[NOT_STARTED])} chưa bắt đầu, {_count(counts[OVERDUE])} quá hạn; "
        f"{_count(soon)} nhiệm vụ sắp đến hạn trong 14 ngày tới.",
    ]
    if missing:
        lines.append(
            f"Theo nguyên tắc “06 rõ”, còn {_count(missing)} nhiệm vụ chưa rõ người phụ trách hoặc thời hạn "
            "(ghi ở cột Ghi chú) cần được phân công cụ thể."
        )
    else:
        lines.append("Tất cả nhiệm vụ đã được phân công rõ người phụ trách và thời hạn theo nguyên tắc “06 rõ”.")
    return lines


def _th(text: str, width: str) -> str:
    return f'<th width="{width}" align="center" valign="middle" style="font-weight:bold;">{_e(text)}</th>'


def _td(text: str, align: str = "left") -> str:
    return f'<td align="{align}" valign="middle">{text}</td>'


def _due_cell(task: Task, today: date) -> str:
    due = effective_due(task, today)
    text = _e(format_due(due))
    if task.recurrence:
        text = (
            f"{text}<br/><i>({_e(RECURRENCE_LABELS[task.recurrence])})</i>"
            if text
            else _e(RECURRENCE_LABELS[task.recurrence])
        )
    return text


def _status_cell(task: Task, today: date) -> str:
    status = effective_status(task, today)
    text = _e(STATUS_LABELS[status])
    if status == OVERDUE:
        text = f"<b>{text.upper()}</b>"
    elif is_due_soon(task, today):
        text += "<br/><i>sắp đến hạn</i>"
    if task.progress and status != DONE:
        text += f"<br/>{_count(task.progress)}%"
    return text


def task_sheet_html(sheet: TaskSheet, plan) -> str:
    summary = "".join(
        f'<p align="justify" style="margin-top:6pt; margin-bottom:0; text-indent:42px;">{_e(line)}</p>'
        for line in summary_lines(sheet)
    )
    head = (
        "<tr>"
        + _th("STT", "4%")
        + _th("Nhiệm vụ (rõ việc)", "30%")
        + _th("Người phụ trách (rõ người)", "11%")
        + _th("Đơn vị phối hợp", "9%")
        + _th("Thời hạn (rõ thời gian)", "9%")
        + _th("Sản phẩm (rõ sản phẩm)", "12%")
        + _th("Thẩm quyền", "8%")
        + _th("Tình hình", "8%")
        + _th("Ghi chú", "9%")
        + "</tr>"
    )
    rows, number, current_unit = [], 0, None
    for task in sheet.tasks:
        if sheet.unit_name is None and task.unit != current_unit:
            current_unit = task.unit
            rows.append(f'<tr><td colspan="9"><b>{_e(plan.unit_by_id(task.unit).name)}</b></td></tr>')
        number += 1
        source = f"<br/><i>(Mục {_e(task.source)} của Kế hoạch)</i>" if task.source else ""
        indicators = f"<br/><i>Chỉ tiêu: {_e(', '.join(task.indicators))}</i>" if task.indicators else ""
        notes = "; ".join([g[0].upper() + g[1:] for g in gaps(task)] + ([task.notes] if task.notes else []))
        rows.append(
            "<tr>"
            + _td(str(number), "center")
            + _td(_e(task.title) + source + indicators)
            + _td(_e(task.person))
            + _td(_e(", ".join(plan.unit_by_id(u).short for u in task.cooperating)))
            + _td(_due_cell(task, sheet.today), "center")
            + _td(_e(task.deliverable))
            + _td(_e(task.authority))
            + _td(_status_cell(task, sheet.today), "center")
            + _td(f"<i>{_e(notes)}</i>" if notes else "")
            + "</tr>"
        )
    if not sheet.tasks:
        rows.append('<tr><td colspan="9" align="center"><i>Chưa có nhiệm vụ nào.</i></td></tr>')
    table = (
        '<table width="100%" border="1" cellspacing="0" cellpadding="3" '
        'style="border-collapse: collapse; border-color: #000; border-style: solid; font-size: 10.5pt;">'
        f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
    )
    from .render import _closing  # the same closing block as the progress report

    return (
        '<html><body><p style="margin:0;">&nbsp;</p>'
        f'<p style="margin-top:0; margin-bottom:0; text-indent:42px;"><b>I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ</b></p>'
        f"{summary}"
        '<p style="margin-top:6pt; margin-bottom:3pt; text-indent:42px;"><b>II. BẢNG PHÂN CÔNG NHIỆM VỤ</b></p>'
        f"{table}"
        '<p style="margin-top:12pt;"></p>'
        f"{_closing(sheet)}"
        "</body></html>"
    )


def write_task_sheet_pdf(store: Store, dest: Path | str, unit_id: str | None, today: date) -> int:
    """Write the task sheet as an A4 landscape PDF; return the number of pages."""
    from .render import write_pdf

    sheet = build_task_sheet(store, unit_id, today)
    return write_pdf(sheet, dest, store.plan.last_year, body_html=task_sheet_html(sheet, store.plan), landscape=True)
