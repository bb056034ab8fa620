"""How a verdict looks: a colour for the screen, and always a word and a symbol for print and colour-blind readers."""

from __future__ import annotations

from PySide6.QtGui import QColor

from ..domain.evaluation import EXCEEDED, MET, NO_DATA, NOT_MET, VERDICT_LABELS, VERDICT_SYMBOLS

BACKGROUNDS = {
    EXCEEDED: QColor("#bbf7d0"),
    MET: QColor("#dcfce7"),
    NOT_MET: QColor("#fee2e2"),
    NO_DATA: QColor("#f3f4f6"),
}
FOREGROUNDS = {
    EXCEEDED: QColor("#14532d"),
    MET: QColor("#166534"),
    NOT_MET: QColor("#991b1b"),
    NO_DATA: QColor("#4b5563"),
}
CHART_COLOURS = {
    EXCEEDED: QColor("#15803d"),
    MET: QColor("#86efac"),
    NOT_MET: QColor("#dc2626"),
    NO_DATA: QColor("#d1d5db"),
}


def verdict_text(verdict: str) -> str:
    """'✔ Đạt', '✘ Không đạt'…: readable without colour."""
    return f"{VERDICT_SYMBOLS[verdict]} {VERDICT_LABELS[verdict]}"
