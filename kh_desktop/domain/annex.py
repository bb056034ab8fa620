"""Reading an annex's words: targets as plans write them, owners' names, how a row adds up and which way is better.

Plain Python (no Excel, no Qt): the workbook reader in excel/annex_import.py hands each cell's value here,
and `plan adjust` reads a typed target with the same rules. Nothing is guessed: a text this module cannot
read raises AnnexError with the reason, in Vietnamese.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .numbers import NumberError, parse_number

AGGREGATIONS = ("flow", "level", "none")
DIRECTIONS = ("higher", "lower")
# What export writes in the "Cách tính" and "Chiều đánh giá" columns, and reads back first.
AGGREGATION_WORDS = {"flow": "Cộng dồn các quý", "level": "Lấy số mới nhất", "none": "Chỉ số của đúng kỳ"}
DIRECTION_WORDS = {"higher": "Càng cao càng tốt", "lower": "Càng thấp càng tốt"}


class AnnexError(ValueError):
    """A cell whose meaning would be a guess; str() is the reason, in Vietnamese."""


def fold(text: str) -> str:
    """Compare words the tolerant way: no accents (hoa/hóa/hoá alike), đ as d, case, dashes and spacing ignored."""
    text = unicodedata.normalize("NFD", str(text)).casefold().replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = re.sub(r"[–—‐\-_/]", " ", text)
    return " ".join(text.split())


# ---- targets ------------------------------------------------------------------------------

_NUM = r"[0-9][0-9.,\s]*"
_SYMBOLS = {"≥": "ge", ">=": "ge", "=>": "ge", "≤": "le", "<=": "le", "=<": "le", ">": "gt", "<": "lt"}
_WORD_OPS = (  # (folded prefix, op), longest first where one prefix begins another
    ("khong duoi", "ge"),
    ("khong thap hon", "ge"),
    ("toi thieu", "ge"),
    ("it nhat", "ge"),
    ("tren", "gt"),
    ("khong qua", "le"),
    ("khong vuot qua", "le"),
    ("toi da", "le"),
    ("duoi", "lt"),
)


_TAIL = re.compile(r"\s*(%\s*kế\s+hoạch|%\s*KH|%|lần|kế\s+hoạch)$", re.IGNORECASE)


def _strip_tail(body: str, measure: str) -> str:
    """Drop a unit written after the number ("%", "lần", "% kế hoạch" or the row's own ĐVT)."""
    body = body.strip()
    measure = " ".join(measure.split())
    if measure and len(body) > len(measure) and body.casefold().endswith(measure.casefold()):
        return body[: -len(measure)].strip()
    return _TAIL.sub("", body).strip()


def _number(text: str, measure: str) -> float:
    body = _strip_tail(text, measure)
    try:
        return parse_number(body)
    except NumberError as exc:
        raise AnnexError(str(exc)) from exc


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def read_target(value, *, measure: str = "", direction: str = "higher", first_year: int | None = None) -> dict | None:
    """The plan-file form of one annex cell ({"op": ...}), None for an empty cell or a dash.

    A bare number means "at least" unless the row says lower is better (then "at most").
    Raises AnnexError when the cell could only be read by guessing.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise AnnexError("Ô chứa giá trị đúng/sai, không phải chỉ tiêu.")
    if isinstance(value, (int, float)):
        op = "le" if direction == "lower" else "ge"
        return {"op": op, "value": float(value), "as_written": _as_written_number(value)}
    raw = unicodedata.normalize("NFC", str(value)).strip()
    text = " ".join(raw.split())
    if text in ("", "-", "–", "—", "x", "X"):
        return None
    if text.startswith("#"):
        raise AnnexError(f"Ô báo lỗi của Excel ({text}), không có giá trị.")
    folded = fold(text)
    base = {"as_written": raw}
    # "Tổng 1.064": a total over the period
    if folded.startswith("tong"):
        rest = text[len("Tổng") :].strip(" :")
        if not _has_digit(rest):
            raise AnnexError("“Tổng” phải kèm một số, ví dụ Tổng 1.064.")
        return {"op": "total", "value": _number(rest, measure), "from_year": first_year, **base}
    # "từ 15 trở lên", "15 trở lên"
    if folded.endswith("tro len"):
        body = re.sub(r"(?i)^từ\s+", "", text)
        body = body[: len(body) - len("trở lên")].strip()
        return {"op": "ge", "value": _number(body, measure), **base}
    for prefix, op in _WORD_OPS:
        if folded.startswith(prefix + " ") and _has_digit(folded):
            body = text.split(" ", len(prefix.split()))[-1]
            return {"op": op, "value": _number(body, measure), **base}
    for symbol in sorted(_SYMBOLS, key=len, reverse=True):
        if text.startswith(symbol):
            return {"op": _SYMBOLS[symbol], "value": _number(text[len(symbol) :].strip(), measure), **base}
    # ranges "85-90", "15 - 17%", "từ 15 đến 17"
    body = re.sub(r"(?i)^(từ|khoảng từ)\s+", "", text)
    parts = re.split(r"\s*(?:-|–|—|đến)\s*", body)
    if len(parts) == 2 and all(_has_digit(p) for p in parts):
        low = _number(parts[0].rstrip("%").strip(), measure)
        high = _number(parts[1], measure)
        if low > high:
            raise AnnexError(f"Khoảng “{raw}” có số đầu lớn hơn số sau.")
        return {"op": "range", "low": low, "high": high, **base}
    if _has_digit(text):
        try:
            number = _number(text, measure)
        except AnnexError as exc:
            raise AnnexError(f"Không đọc được “{raw}” thành chỉ tiêu: {exc}") from exc
        op = "le" if direction == "lower" else "ge"
        return {"op": op, "value": number, **base}
    if len(folded) < 2:
        raise AnnexError(f"“{raw}” quá ngắn để là chỉ tiêu bằng chữ.")
    return {"op": "text", "text": text, "accept": [text], **base}


def _as_written_number(value) -> str:
    from .numbers import format_number

    return format_number(value, 6)


def is_bare_number(value) -> bool:
    """A cell holding only a number (the kind "lower is better" would change)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and bool(re.fullmatch(r"\s*[0-9][0-9.,\s]*%?\s*", value))


# ---- how a row adds up and which way is better ------------------------------------------------

_AGGREGATION_READ = (
    (("cong don", "cong cac quy", "cong lai", "tong cac quy", "luy ke", "flow", "cong"), "flow"),
    (("moi nhat", "cuoi ky", "so cuoi", "lay so", "level", "thoi diem"), "level"),
    (("dung ky", "khong cong", "cua ky", "theo ky", "toc do", "none"), "none"),
)
_DIRECTION_READ = (
    (("thap", "giam", "lower", "nho hon", "it hon"), "lower"),
    (("cao", "tang", "higher", "lon hon", "nhieu hon"), "higher"),
)


def _key_of(text, table: tuple) -> str | None:
    """The key of the first group of `table` one of whose words the cell holds (accents and case aside)."""
    folded = fold(text or "")
    return next((key for words, key in table if any(w in folded for w in words)), None)


def read_aggregation(text) -> str:
    if key := _key_of(text, _AGGREGATION_READ):
        return key
    raise AnnexError(
        f"Không rõ cách tính “{text}”: ghi “{AGGREGATION_WORDS['flow']}”, “{AGGREGATION_WORDS['level']}” "
        f"hoặc “{AGGREGATION_WORDS['none']}”."
    )


def read_direction(text) -> str:
    if key := _key_of(text, _DIRECTION_READ):
        return key
    raise AnnexError(
        f"Không rõ chiều đánh giá “{text}”: ghi “{DIRECTION_WORDS['higher']}” hoặc “{DIRECTION_WORDS['lower']}”."
    )


def default_aggregation(name: str, measure: str, targets: dict, parent: str | None = None) -> tuple[str, str]:
    """What a row without a "Cách tính" cell most likely is, and why (shown to a person to confirm).

    `parent` is the aggregation the row's parent row (1 for 1.1, the row above a "-" row) was given.
    """
    fname = fold(name)
    segments = [fold(part) for part in measure.split("/")]
    if any(t and t.get("op") == "total" for t in targets.values()):
        return "flow", "có chỉ tiêu “Tổng” cả giai đoạn nên số liệu cộng dồn"
    if "%" in measure and re.search(r"\btang\b", fname) and "ty le" not in fname:
        return "none", "tốc độ tăng (%): chỉ tính số của đúng kỳ đó"
    if parent == "none" and "%" in measure:
        return "none", "dòng con của một chỉ tiêu tốc độ tăng: chỉ tính số của đúng kỳ đó"
    if "binh quan" in fname or "%" in measure or segments[0] == "lan":
        return "level", "tỷ lệ, bình quân hoặc số lần: lấy số mới nhất"
    if len(segments) > 1 and segments[-1] == "nam" or "moi nam" in fname or "hang nam" in fname:
        return "flow", "số trong năm: cộng dồn các quý"
    return "level", "không rõ: mặc định lấy số mới nhất"


def default_direction(targets: dict) -> tuple[str, str]:
    ops = {t.get("op") for t in targets.values() if t}
    if ops & {"le", "lt"}:
        return "lower", "có chỉ tiêu “≤”/“dưới”: càng thấp càng tốt"
    return "higher", "số ghi không kèm dấu được hiểu là “từ … trở lên”: càng cao càng tốt"


# ---- owners ---------------------------------------------------------------------------------

_ABBREVIATIONS = {
    "p": ["phong"],
    "p.": ["phong"],
    "tt": ["trung", "tam"],
    "vp": ["van", "phong"],
    "bch": ["ban", "chi", "huy"],
    "ubnd": ["uy", "ban", "nhan", "dan"],
    "hdnd": ["hoi", "dong", "nhan", "dan"],
}
_OPTIONAL_TAIL = {"xa", "phuong", "thi", "tran"}


def split_owners(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,\n]", text or "") if part.strip()]


def _tokens(text: str) -> list[str]:
    text = re.sub(r"\bP\.\s*", "P. ", str(text))
    out = []
    for word in re.sub(r"[,;:()\"“”]", " ", fold(text)).replace(".", ". ").split():
        word = word.strip()
        if word in ("p.",):
            out.append("p.")
        elif word.strip("."):
            out.append(word.strip("."))
    return out


def _matches(written: list[str], name: list[str], prefix: bool = False) -> bool:
    """Written tokens cover the name's tokens in order, each a word, a known abbreviation or initials.

    With `prefix`, the name may go on after the written words ("Ban QLDA" for "Ban Quản lý dự án đầu tư…").
    """
    if not written:
        return prefix or not name or name[0] in _OPTIONAL_TAIL  # "… xã Tân Phong" may be left out
    if not name:
        return False
    head, rest = written[0], written[1:]
    if head == name[0] and _matches(rest, name[1:], prefix):
        return True
    expansion = _ABBREVIATIONS.get(head)
    if expansion and name[: len(expansion)] == expansion and _matches(rest, name[len(expansion) :], prefix):
        return True
    if len(head) >= 2 and head.isalpha():
        n = len(head)
        if len(name) >= n and "".join(t[0] for t in name[:n]) == head and _matches(rest, name[n:], prefix):
            return True
    return False


@dataclass(frozen=True)
class OwnerMatch:
    written: str
    unit: str | None  # the full name matched, None when none or several matched
    reason: str = ""


def match_owner(written: str, units: dict[str, list[str]] | list[str]) -> OwnerMatch:
    """The one unit (full name) `written` stands for, tolerantly; never a guess between two.

    `units` maps each full name to its other names (short name, aliases), or is a list of full names.
    """
    if not isinstance(units, dict):
        units = {n: [] for n in units}
    tokens = _tokens(written)
    exact = [full for full, others in units.items() if fold(written) in {fold(n) for n in (full, *others)}]
    found = exact or [
        full for full, others in units.items() if any(_matches(tokens, _tokens(n)) for n in (full, *others))
    ]
    if not found and len(tokens) >= 2 and re.search(r"[A-ZĐ]{3,}\W*$", written.strip()):
        # ends in an acronym of the name's first words: the rest of the name may be left out
        found = [full for full in units if _matches(tokens, _tokens(full), prefix=True)]
    if len(found) == 1:
        return OwnerMatch(written, found[0])
    if found:
        return OwnerMatch(written, None, f"“{written}” có thể là {' hoặc '.join(found)}: ghi rõ tên đơn vị.")
    return OwnerMatch(written, None, f"“{written}” không khớp đơn vị nào trong danh sách đơn vị.")


def match_owners(text: str, units: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Every unit an owners cell names (full names, in order) and the reasons for parts that match none.

    Parts are split at ";" and ","; a unit whose own name holds a comma ("Phòng Kinh tế, Hạ tầng và Đô
    thị") is found by trying neighbouring parts together first.
    """
    parts = split_owners(text)
    found: list[str] = []
    reasons: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            written = ", ".join(parts[i:j])
            match = match_owner(written, units)
            if match.unit is not None or j == i + 1:
                break
        if match.unit is None:
            reasons.append(match.reason)
        elif match.unit not in found:
            found.append(match.unit)
        i = j
    return found, reasons


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


# ---- comparing two plans ------------------------------------------------------------------------


def target_key(target: dict | None) -> tuple | None:
    """What makes two targets the same (not how they were written)."""
    if not target:
        return None
    op = target.get("op")
    if op == "range":
        return (op, float(target["low"]), float(target["high"]))
    if op == "text":
        return (op, fold(target["text"]))
    if op == "total":
        return (op, float(target["value"]), target.get("from_year"))
    return (op, float(target["value"]))
