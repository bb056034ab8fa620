"""The công khai site: written by the command line, every page parsed; every indicator there, nothing external."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from tests.conftest import run_cli


class Page(HTMLParser):
    """What a page holds: tags, every attribute, the rows' indicator codes, its text, its style."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.codes: list[str] = []
        self.text: list[str] = []
        self.style = ""
        self.title = ""
        self._in_style = False
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
            if tag == "tr" and name == "data-code":
                self.codes.append(value)
        self._in_style = tag == "style"
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_style = self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)


def parse(path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_site_has_every_indicator_and_nothing_external(cli_db, tmp_path):
    for code, period, value, *options in [
        ("4", "2026-Q1", "50"),
        ("4", "2026-Q2", "60"),
        ("4", "2026-Q3", "61"),
        ("4", "2025-9T", "150"),
        ("1", "2026-9T", "19,5", "--estimate"),
    ]:
        run_cli("set", code, period, value, *options, db=cli_db, check=True)
    site = tmp_path / "cong-khai"
    result = run_cli("publish", str(site), "--period", "2026-9T", db=cli_db, check=True)
    assert "Đã ghi trang công khai 9 tháng năm 2026" in result.stdout
    plan = json.loads(run_cli("plan", "--json", db=cli_db, check=True).stdout)
    pages = {p.name: parse(p) for p in site.glob("*.html")}
    units = {owner for row in plan for owner in row["owners"]}  # unit names
    assert "index.html" in pages and len(pages) == 1 + len(units)

    index = pages["index.html"]
    assert index.codes == [row["code"] for row in plan]  # every indicator, in annex order
    text = " ".join(" ".join(index.text).split())
    assert "Kỳ báo cáo: 9 tháng năm 2026 (cộng dồn từ 01/01 đến hết tháng 9/2026)" in text
    assert re.search(r"Số liệu cập nhật đến ngày \d\d/\d\d/\d{4}", text)
    assert "19,5 (ước)" in text and "“(ước)”: số ước thực hiện" in text
    assert "171 (*)" in text and "150 (+14%)" in text and "81,4%" in text
    for name, page in pages.items():
        assert "svg" in page.tags, name  # the chart
        assert "@media print" in page.style, name
        assert not {"script", "link", "iframe", "object", "embed", "img"} & set(page.tags), name
        for tag, attribute, value in page.attrs:
            assert not attribute.startswith("on"), (name, tag, attribute)  # no inline script either
            if attribute in ("href", "src", "action", "xmlns", "srcset"):
                assert not re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", value, re.I), (name, tag, value)
                if attribute == "href":
                    assert value in pages, (name, value)  # links only between the site's own pages
        assert "url(" not in page.style and "@import" not in page.style and "@font-face" not in page.style
    by_unit = {p.title.split(" · ")[0]: p for name, p in pages.items() if name != "index.html"}
    assert set(by_unit) == {owner for row in plan for owner in row["owners"]}
    for unit, page in by_unit.items():
        assert page.codes == [row["code"] for row in plan if unit in row["owners"]], unit


def test_publish_refuses_a_review_span(cli_db, tmp_path):
    result = run_cli("publish", str(tmp_path / "s"), "--period", "2026-2028", db=cli_db)
    assert result.returncode != 0 and "Trang công khai lập cho một kỳ" in result.stderr
