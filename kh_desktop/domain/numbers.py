"""Reading and writing numbers the Vietnamese way: decimal comma, thousands dot.

The same parser serves the command line, the grid and Excel text cells, so a figure
means the same thing wherever it is typed. A value whose meaning would be a guess
("1.5", "2,750") is refused rather than interpreted, and the refusal shows how to write
each reading of what was typed, so the person only has to pick one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

from .errors import UserError


class NumberError(UserError, ValueError):
    """A typed value that is not a number we can read without guessing; str() is Vietnamese."""


# Only ASCII digits: Python's \d also matches Arabic-Indic and other scripts' digits, and
# float() reads them, so "٣" would silently become 3.
_D = "[0-9]"
_LEAD = f"[1-9]{_D}{{0,2}}"  # a thousands group needs 1-3 leading digits, not starting with 0
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_GROUPED_DOTS = re.compile(f"^{_LEAD}(\\.{_D}{{3}})+(,{_D}+)?$")
_GROUPED_SPACES = re.compile(f"^{_LEAD}( {_D}{{3}})+(,{_D}+)?$")
_PLAIN = re.compile(f"^{_D}+(,{_D}+)?$")
# Written the English way: comma thousands, dot decimals ("1,500,000", "1,234.5").
_ENGLISH_GROUPED = re.compile(f"^{_LEAD}(,{_D}{{3}})+(\\.{_D}+)?$")
_DOTTED = re.compile(f"^{_D}+(\\.{_D}+)+$")
# More digits than a double holds exactly: the number would not be the one typed.
_MAX_DIGITS = 15

_GENERIC = "Ví dụ cách viết: 97,5 hoặc 1.500."


def parse_number(text: str) -> float:
    """Parse a number written the Vietnamese way; raise NumberError with the reason."""
    raw = unicodedata.normalize("NFC", str(text)).strip()
    if not raw:
        raise NumberError("Chưa nhập số.")
    body = raw.replace("\u2212", "-")
    if body.endswith("%"):
        body = body[:-1].rstrip()
    sign = ""
    if body and body[0] in "+-":
        sign = "-" if body[0] == "-" else ""
        body = body[1:].strip()
    body = _SPACES.sub(" ", body)
    if not body:
        raise NumberError(f"“{raw}” không phải là số. {_GENERIC}")
    _refuse_foreign_digits(raw, body)
    if _GROUPED_SPACES.match(body):
        body = body.replace(" ", "")
    if _GROUPED_DOTS.match(body):
        body = body.replace(".", "")
    elif "." in body:
        raise NumberError(_dot_refusal(raw, sign, body))
    if not _PLAIN.match(body):
        english = _ENGLISH_GROUPED.match(body)
        if english:
            value = Decimal(sign + body.replace(",", ""))
            raise NumberError(
                f"Không rõ “{raw}”: nếu là {number_words(value)} hãy viết {suggest(value)} "
                "(dấu chấm tách hàng nghìn, dấu phẩy trước phần thập phân)."
            )
        raise NumberError(f"“{raw}” không phải là số. {_GENERIC}")
    integer, _, fraction = body.partition(",")
    if fraction and len(fraction) == 3 and re.fullmatch(_LEAD, integer):
        # "2,750" reads as 2,75 in Vietnamese but as 2750 to anyone used to English spreadsheets;
        # refusing costs one retype, guessing could cost a wrong report. "0,072" has no such
        # second reading: no one writes seventy-two with a leading zero group.
        thousands = Decimal(sign + integer + fraction)
        decimal = Decimal(f"{sign}{integer}.{fraction}")
        raise NumberError(
            f"Không rõ “{raw}”: nếu là {number_words(thousands)} hãy viết {suggest(thousands)}; "
            f"nếu là số thập phân hãy viết {suggest(decimal)}."
        )
    if len(integer.lstrip("0")) > _MAX_DIGITS:
        raise NumberError(f"“{raw}” quá lớn: số liệu có nhiều nhất {_MAX_DIGITS} chữ số phần nguyên.")
    value = float(f"{sign}{integer}.{fraction}" if fraction else f"{sign}{integer}")
    if not math.isfinite(value):
        raise NumberError(f"“{raw}” quá lớn.")
    return value + 0.0  # "-0" is 0


def _refuse_foreign_digits(raw: str, body: str) -> None:
    if not any(ch.isdigit() and not "0" <= ch <= "9" for ch in body):
        return
    ascii_text = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in raw)
    raise NumberError(
        f"“{raw}” có chữ số không phải chữ số thường 0–9 (có thể do bộ gõ hoặc sao chép). "
        f"Hãy gõ lại bằng chữ số 0–9, ví dụ {ascii_text}."
    )


def _dot_refusal(raw: str, sign: str, body: str) -> str:
    """Why a dot we cannot read as thousands was refused, with how to write what was probably meant."""
    english = _ENGLISH_GROUPED.match(body)
    if english:  # "1,234.5": comma thousands, dot decimals
        value = Decimal(sign + body.replace(",", ""))
        return (
            f"Không rõ “{raw}”: nếu là {number_words(value)} hãy viết {suggest(value)} "
            "(dấu chấm tách hàng nghìn, dấu phẩy trước phần thập phân)."
        )
    if not _DOTTED.match(body):
        return (
            f"Không rõ “{raw}”: dấu chấm chỉ dùng để tách hàng nghìn, mỗi nhóm ba chữ số; "
            f"phần thập phân viết sau dấu phẩy. {_GENERIC}"
        )
    head, *rest = body.split(".")
    if len(rest) == 1:  # "1.5", "0.500", "1234.5": a decimal point
        value = Decimal(f"{sign}{head}.{rest[0]}")
        return (
            f"Không rõ “{raw}”: dấu chấm chỉ dùng để tách hàng nghìn (mỗi nhóm ba chữ số), phần thập phân viết "
            f"sau dấu phẩy; nếu là số thập phân hãy viết {suggest(value)}."
        )
    # several dots with groups of the wrong size ("1.50.000", "0.500.000"): probably thousands
    value = Decimal(sign + body.replace(".", ""))
    return (
        f"Không rõ “{raw}”: mỗi nhóm hàng nghìn có đúng ba chữ số và không bắt đầu bằng 0; "
        f"nếu là {number_words(value)} hãy viết {suggest(value)}."
    )


def suggest(value: Decimal) -> str:
    """The exact value written so that parse_number reads it back unchanged (no rounding)."""
    value = value.normalize() if value != 0 else Decimal(0)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    integer, _, fraction = text.partition(".")
    grouped = f"{int(integer):,}".replace(",", ".")
    if fraction and len(fraction) == 3 and "." not in grouped and integer != "0":
        fraction += "0"  # "2,751" would be refused as ambiguous; "2,7510" is the same number, unambiguous
    return sign + grouped + ("," + fraction if fraction else "")


_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _below_thousand(n: int, full: bool) -> list[str]:
    """Words for 0 < n < 1000; `full` when a higher group precedes ("một nghìn không trăm linh năm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens > 1:
        words += [_DIGITS[tens], "mươi"]
    elif tens == 1:
        words.append("mười")
    elif units and words:
        words.append("linh")
    if units:
        if units == 1 and tens > 1:
            words.append("mốt")
        elif units == 4 and tens > 1:
            words.append("tư")
        elif units == 5 and tens:
            words.append("lăm")
        else:
            words.append(_DIGITS[units])
    return words


def _integer_words(n: int, full: bool = False) -> list[str]:
    if n == 0:
        return ["không"]
    if n >= 1_000_000_000:  # past tỷ the scales start again: "một nghìn năm trăm tỷ"
        high, low = divmod(n, 1_000_000_000)
        words = [*_integer_words(high, full), "tỷ"]
        return words + (_integer_words(low, full=True) if low else [])
    words: list[str] = []
    for scale, group in (("triệu", n // 1_000_000), ("nghìn", n // 1000 % 1000), ("", n % 1000)):
        if group:
            words += _below_thousand(group, full=full or bool(words))
            if scale:
                words.append(scale)
    return words


def number_words(value: Decimal) -> str:
    """A number in Vietnamese words, e.g. 2750 → "hai nghìn bảy trăm năm mươi", 1,5 → "một phẩy năm"."""
    sign = "âm " if value < 0 else ""
    text = f"{abs(value):f}"
    integer, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    words = _integer_words(int(integer))
    if fraction:
        if fraction.startswith("0"):
            words += ["phẩy", *(_DIGITS[int(d)] for d in fraction)]
        else:
            words += ["phẩy", *_integer_words(int(fraction))]
    return sign + " ".join(words)


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
