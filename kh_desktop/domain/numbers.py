"""Reading and writing numbers the Vietnamese way: decimal comma, thousands dot.

The same parser serves the command line, the grid and Excel text cells, so a figure
means the same thing wherever it is typed. A value whose meaning would be a guess
("1.5", "1,500") is refused rather than interpreted.
"""

from __future__ import annotations

import math
import re
import unicodedata

from .errors import UserError


class NumberError(UserError, ValueError):
    """A typed value that is not a number we can read without guessing; str() is Vietnamese."""


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_GROUPED_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_GROUPED_SPACES = re.compile(r"^\d{1,3}( \d{3})+(,\d+)?$")
_PLAIN = re.compile(r"^\d+(,\d+)?$")


def parse_number(text: str) -> float:
    """Parse a number written the Vietnamese way; raise NumberError with the reason."""
    raw = unicodedata.normalize("NFC", str(text)).strip()
    if not raw:
        raise NumberError("Chưa nhập số.")
    body = raw.replace("\u2212", "-")
    if body.endswith("%"):
        body = body[:-1].rstrip()
    sign = 1.0
    if body and body[0] in "+-":
        sign = -1.0 if body[0] == "-" else 1.0
        body = body[1:].strip()
    body = _SPACES.sub(" ", body)
    if not body:
        raise NumberError(f"“{raw}” không phải là số. Ví dụ cách viết: 97,5 hoặc 1.500.")
    if _GROUPED_SPACES.match(body):
        body = body.replace(" ", "")
    if _GROUPED_DOTS.match(body):
        body = body.replace(".", "")
    elif "." in body:
        raise NumberError(
            f"Không rõ “{raw}”: dấu chấm chỉ dùng để tách hàng nghìn (1.500); phần thập phân viết bằng dấu phẩy (4,5)."
        )
    if not _PLAIN.match(body):
        raise NumberError(f"“{raw}” không phải là số. Ví dụ cách viết: 97,5 hoặc 1.500.")
    integer, _, fraction = body.partition(",")
    if fraction and len(fraction) == 3 and "." not in raw and len(integer) <= 3:
        # "1,500" reads as 1,5 in Vietnamese but as 1500 to anyone used to English
        # spreadsheets; refusing costs one retype, guessing could cost a wrong report.
        raise NumberError(
            f"Không rõ “{raw}”: nếu là một nghìn năm trăm hãy viết {integer}.{fraction}, "
            f"nếu là số thập phân hãy viết {integer},{fraction.rstrip('0') or '0'}."
        )
    value = sign * float(f"{integer}.{fraction}" if fraction else integer)
    if not math.isfinite(value):
        raise NumberError(f"“{raw}” quá lớn.")
    return value


def format_number(value: float | int | None, decimals: int = 2) -> str:
    """Format with thousands dots and a decimal comma, trimming trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    rounded = round(float(value), decimals)
    if rounded == 0:
        rounded = 0.0  # avoid "-0"
    negative = rounded < 0
    text = f"{abs(rounded):,.{decimals}f}"
    integer, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    integer = integer.replace(",", ".")
    result = integer + ("," + fraction if fraction else "")
    return ("-" if negative else "") + result


def format_percent(value: float | None, decimals: int = 1) -> str:
    """A percentage such as 97,5%; empty for None."""
    if value is None:
        return ""
    return format_number(value, decimals) + "%"
