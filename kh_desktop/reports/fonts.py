"""The bundled report font (Liberation Serif: Times New Roman metrics, Vietnamese glyphs, SIL OFL).

Loaded into Qt's font database once, so a report looks the same on a PC without Times New Roman.
"""

from __future__ import annotations

from ..paths import resource

FONT_FILES = (
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
)
FALLBACK_FAMILY = "Times New Roman"
_family: str | None = None


def report_font_family() -> str:
    """Register the bundled font files (needs a QGuiApplication) and return their family name."""
    global _family
    if _family is None:
        from PySide6.QtGui import QFontDatabase

        family = None
        for name in FONT_FILES:
            path = resource("fonts", name)
            font_id = QFontDatabase.addApplicationFont(str(path)) if path.exists() else -1
            if font_id >= 0 and family is None:
                families = QFontDatabase.applicationFontFamilies(font_id)
                family = families[0] if families else None
        _family = family or FALLBACK_FAMILY
    return _family
