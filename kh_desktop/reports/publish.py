"""Công khai: a static site of the period's results for the commune's website or a notice board.

index.html for the whole commune and one page per unit; charts drawn as inline SVG; one stylesheet inside
each page with a print section. No script, no link, font or stylesheet from outside: the pages open from a
USB stick with no network, and publish nothing but the figures (section IV.11 of the plan: "công khai, minh bạch").
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..domain.evaluation import EXCEEDED, MET, NO_DATA, NOT_MET, VERDICT_LABELS, VERDICTS
from ..domain.periods import PeriodError, ReportPeriod, parse_period
from ..storage.store import Store
from .content import DERIVED_MARK, DISAGREEMENT_MARK, ESTIMATE_MARK, ReportContent, ReportRow, build_report
from .render import ReportError

INDEX = "index.html"
COLOURS = {EXCEEDED: "#15803d", MET: "#4ade80", NOT_MET: "#dc2626", NO_DATA: "#d1d5db"}

STYLE = """
body { font-family: "Times New Roman", Times, serif; font-size: 13pt; margin: 1.5em auto; max-width: 70em;
       color: #111827; padding: 0 1em; }
h1 { font-size: 17pt; text-align: center; margin: 0.2em 0; }
h2 { font-size: 14pt; margin: 1.2em 0 0.4em; }
p.lead { text-align: center; margin: 0.2em 0; }
nav { margin: 1em 0; padding: 0.5em; background: #f3f4f6; }
nav a { margin-right: 1em; color: #1d4ed8; }
table { border-collapse: collapse; width: 100%; font-size: 11.5pt; }
th, td { border: 1px solid #6b7280; padding: 3px 5px; vertical-align: middle; }
th { background: #e5e7eb; }
td.num { text-align: right; white-space: nowrap; }
td:nth-child(2) { width: 32%; }
td.c { text-align: center; }
.exceeded { color: #166534; font-weight: bold; }
.met { color: #15803d; font-weight: bold; }
.not_met { color: #b91c1c; font-weight: bold; }
.no_data { color: #6b7280; }
.note { font-size: 11pt; color: #374151; }
figure { margin: 1em 0; }
figcaption { font-style: italic; font-size: 11pt; }
@media print {
  @page { size: A4; margin: 20mm 15mm 20mm 30mm; }
  body { margin: 0; max-width: none; font-size: 12pt; }
  nav { display: none; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; }
  th { background: none; }
  a { color: inherit; text-decoration: none; }
}
"""


@dataclass(frozen=True)
class SitePage:
    file: str
    title: str
    content: ReportContent


def _e(text) -> str:
    return html.escape(str(text or ""), quote=True)


def _short_date(iso: str) -> str:
    day = date.fromisoformat(iso[:10])
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _counts(rows: list[ReportRow]) -> dict[str, int]:
    return {v: sum(1 for r in rows if r.verdict_key == v) for v in VERDICTS}


def _bar_svg(rows: list[tuple[str, dict[str, int]]], title: str) -> str:
    """Stacked horizontal bars: indicators by verdict, one bar per unit (or one for a unit's page)."""
    label_w, bar_w, row_h, top = 230, 420, 26, 34
    most = max((sum(c.values()) for _, c in rows), default=1) or 1
    height = top + row_h * len(rows) + 40
    parts = [
        f'<svg width="{label_w + bar_w + 20}" height="{height}" '
        f'viewBox="0 0 {label_w + bar_w + 20} {height}" role="img" aria-label="{_e(title)}" '
        'font-family="Times New Roman, serif" font-size="13">',
        f'<text x="4" y="18" font-weight="bold">{_e(title)}</text>',
    ]
    for n, (name, counts) in enumerate(rows):
        y = top + n * row_h
        parts.append(f'<text x="4" y="{y + 16}">{_e(name)}</text>')
        x = label_w
        for verdict in VERDICTS:
            count = counts.get(verdict, 0)
            if not count:
                continue
            w = bar_w * count / most
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{COLOURS[verdict]}" '
                f'stroke="#374151" stroke-width="0.6"><title>{_e(VERDICT_LABELS[verdict])}: {count}</title></rect>'
            )
            text_colour = "#ffffff" if verdict in (EXCEEDED, NOT_MET) else "#111827"
            parts.append(
                f'<text x="{x + w / 2:.1f}" y="{y + 16}" text-anchor="middle" fill="{text_colour}">{count}</text>'
            )
            x += w
    legend_y = top + row_h * len(rows) + 22
    x = 4
    for verdict in VERDICTS:
        parts.append(
            f'<rect x="{x}" y="{legend_y - 11}" width="12" height="12" fill="{COLOURS[verdict]}" stroke="#374151"/>'
        )
        parts.append(f'<text x="{x + 16}" y="{legend_y}">{_e(VERDICT_LABELS[verdict])}</text>')
        x += 30 + 8 * len(VERDICT_LABELS[verdict])
    parts.append("</svg>")
    return "".join(parts)


def _table(rows: list[ReportRow], period_head: str, year: int) -> str:
    head = (
        "<thead><tr><th>STT</th><th>Chỉ tiêu</th><th>ĐVT</th>"
        f"<th>Kế hoạch năm {year}</th><th>Thực hiện {_e(period_head)}</th><th>% KH năm</th>"
        "<th>Cùng kỳ năm trước</th><th>Đánh giá</th></tr></thead>"
    )
    body = []
    for r in rows:
        same = r.same_period + (f" ({r.change})" if r.change else "")
        body.append(
            f'<tr id="chi-tieu-{_e(r.code)}" data-code="{_e(r.code)}">'
            f'<td class="c">{_e(r.stt)}</td><td>{_e(r.name)}</td><td class="c">{_e(r.measure)}</td>'
            f'<td class="num">{_e(r.target)}</td><td class="num">{_e(r.actual)}</td>'
            f'<td class="num">{_e(r.percent)}</td><td class="num">{_e(same)}</td>'
            f'<td class="c {r.verdict_key}">{_e(r.verdict or VERDICT_LABELS[r.verdict_key])}</td></tr>'
        )
    return f"<table>{head}<tbody>{''.join(body)}</tbody></table>"


def _page(page: SitePage, pages: list[SitePage], commune: str, data_date: str, published: date) -> str:
    content = page.content
    period = content.period.period
    short = period.short_label
    period_head = short[:1].lower() + short[1:] if period.kind != "Y" else f"năm {period.year}"
    counts = _counts(content.rows)
    nav = " ".join(
        f'<a href="{_e(p.file)}">{_e(p.title)}</a>' if p is not page else f"<strong>{_e(p.title)}</strong>"
        for p in pages
    )
    if page.file == INDEX:
        chart_rows = [(p.title, _counts(p.content.rows)) for p in pages[1:]]
        chart_title = "Số chỉ tiêu theo kết quả đánh giá, từng đơn vị"
    else:
        chart_rows = [(page.title, counts)]
        chart_title = "Số chỉ tiêu theo kết quả đánh giá"
    marks = [
        f"“{ESTIMATE_MARK}”: số ước thực hiện, sẽ được thay bằng số chính thức",
        f"“{DERIVED_MARK}”: số tính từ số liệu các kỳ đã nhập",
        f"“{DISAGREEMENT_MARK}”: số liệu các kỳ chưa khớp nhau, đang được kiểm tra",
    ]
    summary = ", ".join(f"{counts[v]} {VERDICT_LABELS[v].lower()}" for v in VERDICTS)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(page.title)} · kết quả thực hiện chỉ tiêu {_e(content.period.label)}</title>"
        f"<style>{STYLE}</style></head><body>"
        f'<header><p class="lead">{_e(" ".join(content.issuing_body))}</p>'
        f"<h1>CÔNG KHAI KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU KINH TẾ - XÃ HỘI {_e(content.period.label.upper())}</h1>"
        f'<p class="lead"><strong>{_e(page.title)}</strong></p>'
        f'<p class="lead">Kỳ báo cáo: {_e(content.period.label)} '
        f"({_e(_scope(content))}). Số liệu cập nhật đến ngày {_e(data_date)}; "
        f"trang lập ngày {published:%d/%m/%Y}.</p></header>"
        f'<nav aria-label="Các trang">{nav}</nav>'
        f"<main><h2>Tóm tắt</h2><p>{len(content.rows)} chỉ tiêu: {_e(summary)}.</p>"
        f"<figure>{_bar_svg(chart_rows, chart_title)}<figcaption>{_e(chart_title)}, "
        f"{_e(content.period.label)}.</figcaption></figure>"
        f"<h2>Bảng chỉ tiêu</h2>{_table(content.rows, period_head, period.year)}"
        f'<p class="note">Ghi chú: {_e("; ".join(marks))}. “% KH năm” so với kế hoạch cả năm; chỉ tiêu cộng dồn '
        "được đánh giá theo phần kế hoạch tương ứng với số tháng của kỳ.</p></main>"
        f'<footer><p class="note">{_e(commune)} – {_e(content.subject)}.</p></footer>'
        "</body></html>\n"
    )


def _scope(content: ReportContent) -> str:
    period = content.period.period
    if period.start_month == 0:
        return f"cộng dồn từ 01/01 đến hết tháng {period.end_month}/{period.year}"
    return f"từ tháng {period.start_month + 1} đến hết tháng {period.end_month}/{period.year}"


def _within(key: str, rp: ReportPeriod, plan) -> bool:
    try:
        return rp.period.contains(parse_period(key, plan.first_year, plan.last_year))
    except PeriodError:
        return False  # the baseline ("hiện nay") figures


def publish_site(store: Store, out_dir: Path | str, rp: ReportPeriod, on: date | None = None) -> list[Path]:
    """Write the site into out_dir (created if needed); return the pages written, index.html first."""
    if rp.is_review:
        raise ReportError("Trang công khai lập cho một kỳ: quý I, 6 tháng, 9 tháng hoặc cả năm (ví dụ 2026-9T).")
    on = on or date.today()
    plan = store.plan
    out = Path(out_dir)
    commune = plan.text("commune_full", plan.commune)
    pages = [SitePage(INDEX, f"Toàn {commune}" if commune else "Toàn xã", build_report(store, rp, None, on))]
    for unit in plan.units:
        if plan.indicators_of(unit.id):
            pages.append(SitePage(f"{unit.id}.html", unit.name, build_report(store, rp, unit.id, on)))
    figures = [f for f in store.figures() if _within(f.period, rp, plan)]
    data_date = _short_date(max(f.entered_at for f in figures)) if figures else "(chưa có số liệu)"
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for page in pages:
            path = out / page.file
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(_page(page, pages, str(commune), data_date, on), encoding="utf-8")
            os.replace(tmp, path)
            written.append(path)
    except OSError as exc:
        raise ReportError(f"Không ghi được trang công khai vào {out}: {exc.strerror or exc}.") from exc
    return written
