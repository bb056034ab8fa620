"""Conventions the code keeps everywhere, checked on the source."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kh_desktop"


def test_user_strings_are_plain_vietnamese_literals():
    """One language, one convention: no tr() / translate() wrappers (there is no translation catalogue)."""
    wrapped = re.compile(r"self\.tr\(|QCoreApplication\.translate\(|\b_t\(")
    found = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if wrapped.search(line)
    ]
    assert found == []
