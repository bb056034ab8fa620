"""Vietnamese number writing: decimal comma, thousands dot, and refusing what would be a guess."""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest
from babel.numbers import format_decimal, parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from kh_desktop.domain.numbers import NumberError, format_number, format_percent, number_words, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4,5", 4.5),
        ("1.500", 1500),
        ("1.064", 1064),
        ("97,5%", 97.5),
        ("-2,5", -2.5),
        ("1 500", 1500),
        ("1.500,25", 1500.25),
        ("0", 0),
        (" 100 ", 100),
        ("12345,678", 12345.678),
        ("1.234.567", 1234567),
        ("0,072", 0.072),  # a lone 0 before the comma: no one writes seventy-two as "0,072"
        ("0,500", 0.5),
        ("01,500", 1.5),  # a thousands group never starts with 0
        ("1.234,567", 1234.567),  # dots before the comma settle which is which
        ("-0", 0),
    ],
)
def test_reads_vietnamese_numbers(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    [
        "1.5",
        "1,500",
        "12.5",
        "1.50",
        "abc",
        "",
        "1..5",
        "4,5,6",
        "1.5000",
        "--1",
        "0.500",
        "0.125",
        "00.500",
        "٣",
        "1e308",
    ],
)
def test_refuses_what_would_be_a_guess(text):
    with pytest.raises(NumberError) as info:
        parse_number(text)
    assert str(info.value)  # a Vietnamese reason, never empty


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1064, "1.064"),
        (4.5, "4,5"),
        (97.5, "97,5"),
        (1234567.891, "1.234.567,89"),
        (0, "0"),
        (-0.001, "0"),
        (-2.5, "-2,5"),
    ],
)
def test_formats_vietnamese_numbers(value, text):
    assert format_number(value) == text


def test_format_percent():
    assert format_percent(97.54) == "97,5%"
    assert format_percent(None) == ""


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_formatting_round_trips_through_parsing(value):
    text = format_number(float(value))
    try:
        parsed = parse_number(text)
    except NumberError:
        # "1,500"-like output is refused on input as ambiguous; it must at least be a 3-digit fraction
        assert text.split(",")[-1].__len__() == 3
        return
    assert parsed == pytest.approx(float(value), abs=0.006)


@given(st.text(max_size=30))
def test_parser_never_crashes(text):
    try:
        value = parse_number(text)
    except NumberError as exc:
        assert str(exc)
    else:
        assert isinstance(value, float)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2,750",
            "Không rõ “2,750”: nếu là hai nghìn bảy trăm năm mươi hãy viết 2.750; nếu là số thập phân hãy viết 2,75.",
        ),
        (
            "1,500",
            "Không rõ “1,500”: nếu là một nghìn năm trăm hãy viết 1.500; nếu là số thập phân hãy viết 1,5.",
        ),
        (
            "2,751",  # the decimal reading needs a fourth digit to stop being ambiguous
            "Không rõ “2,751”: nếu là hai nghìn bảy trăm năm mươi mốt hãy viết 2.751; "
            "nếu là số thập phân hãy viết 2,7510.",
        ),
        (
            "-105,005",
            "Không rõ “-105,005”: nếu là âm một trăm linh năm nghìn không trăm linh năm hãy viết -105.005; "
            "nếu là số thập phân hãy viết -105,0050.",
        ),
        (
            "0.500",
            "Không rõ “0.500”: dấu chấm chỉ dùng để tách hàng nghìn (mỗi nhóm ba chữ số), phần thập phân viết sau "
            "dấu phẩy; "
            "nếu là số thập phân hãy viết 0,5.",
        ),
        (
            "00.500",
            "Không rõ “00.500”: dấu chấm chỉ dùng để tách hàng nghìn (mỗi nhóm ba chữ số), phần thập phân viết sau "
            "dấu phẩy; "
            "nếu là số thập phân hãy viết 0,5.",
        ),
        (
            "0.125",
            "Không rõ “0.125”: dấu chấm chỉ dùng để tách hàng nghìn (mỗi nhóm ba chữ số), phần thập phân viết sau "
            "dấu phẩy; "
            "nếu là số thập phân hãy viết 0,125.",
        ),
        (
            "12.5",
            "Không rõ “12.5”: dấu chấm chỉ dùng để tách hàng nghìn (mỗi nhóm ba chữ số), phần thập phân viết sau "
            "dấu phẩy; "
            "nếu là số thập phân hãy viết 12,5.",
        ),
        (
            "1,234.5",
            "Không rõ “1,234.5”: nếu là một nghìn hai trăm ba mươi tư phẩy năm hãy viết 1.234,5 "
            "(dấu chấm tách hàng nghìn, dấu phẩy trước phần thập phân).",
        ),
        (
            "1,500,000",
            "Không rõ “1,500,000”: nếu là một triệu năm trăm nghìn hãy viết 1.500.000 "
            "(dấu chấm tách hàng nghìn, dấu phẩy trước phần thập phân).",
        ),
        (
            "1.50.000",
            "Không rõ “1.50.000”: mỗi nhóm hàng nghìn có đúng ba chữ số và không bắt đầu bằng 0; "
            "nếu là một trăm năm mươi nghìn hãy viết 150.000.",
        ),
        (
            "٣",
            "“٣” có chữ số không phải chữ số thường 0–9 (có thể do bộ gõ hoặc sao chép). "
            "Hãy gõ lại bằng chữ số 0–9, ví dụ 3.",
        ),
        ("1" + "0" * 300, f"“1{'0' * 300}” quá lớn: số liệu có nhiều nhất 15 chữ số phần nguyên."),
    ],
)
def test_refusal_shows_how_to_write_what_was_typed(text, message):
    with pytest.raises(NumberError) as info:
        parse_number(text)
    assert str(info.value) == message


@pytest.mark.parametrize("text", ["2,750", "2,751", "0.500", "1.5", "1,234.5", "1,500,000", "1.50.000", "-105,005"])
def test_every_suggestion_reads_back_as_the_value_it_names(text):
    """A suggestion the parser itself would refuse or misread ("0.500" for a half) is worse than none."""
    with pytest.raises(NumberError) as info:
        parse_number(text)
    suggestions = re.findall(r"hãy viết (-?[0-9.,]*[0-9])", str(info.value))
    assert suggestions
    digits = text.replace(".", "").replace(",", "")
    for suggestion in suggestions:
        value = parse_number(suggestion)  # must not raise
        assert digits.lstrip("-0") in f"{abs(value):f}".replace(".", "").lstrip("0") + "0" * 6


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (2750, "hai nghìn bảy trăm năm mươi"),
        (21, "hai mươi mốt"),
        (15, "mười lăm"),
        (24, "hai mươi tư"),
        (14, "mười bốn"),
        (105, "một trăm linh năm"),
        (1050, "một nghìn không trăm năm mươi"),
        (2000500, "hai triệu năm trăm"),
        (1500000000000, "một nghìn năm trăm tỷ"),
    ],
)
def test_number_words(number, words):
    assert number_words(Decimal(number)) == words


_ENGLISH = re.compile(r"^-?[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?$")


def test_agrees_with_babel_on_numbers_babel_wrote():
    """CLDR's Vietnamese reading (Babel) of 20 000 numbers Babel formatted: the same value, or a refusal
    only where the text also reads as a number written the English way (comma thousands)."""
    rng = random.Random(12)
    refused = lone_zero = 0
    for _ in range(20_000):
        places = rng.choice([0, 1, 2, 3, 3, 4])
        magnitude = rng.choice([1, 10, 1_000, 1_000_000, 10**12])
        number = Decimal(rng.randint(-magnitude * 10**places, magnitude * 10**places)).scaleb(-places)
        text = format_decimal(number, format="#,##0.####", locale="vi")
        expected = parse_decimal(text, locale="vi")
        try:
            value = parse_number(text)
        except NumberError:
            refused += 1
            assert _ENGLISH.match(text), text
            assert parse_decimal(text, locale="en", strict=True) != expected, text
            continue
        assert value == float(expected), text
        lone_zero += text.lstrip("-").startswith("0,") and len(text.partition(",")[2]) == 3
    assert refused > 0
    assert lone_zero > 0  # "0,072" and the like were read, not refused
