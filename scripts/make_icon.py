"""Draw the program icon with QPainter and write resources/icons/app.png and app.ico.

Run once after changing the drawing and commit the results:
    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_icon.py
The .ico holds PNG images of several sizes (read by Windows Vista and later); it is written by hand
so the result does not depend on which Qt image plugins are installed.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256.0
    # Red rounded square (the commune's official colour), a thin darker rim.
    frame = QRectF(8 * s, 8 * s, 240 * s, 240 * s)
    p.setPen(QPen(QColor("#8e1b1b"), max(1.0, 6 * s)))
    p.setBrush(QColor("#c62828"))
    p.drawRoundedRect(frame, 44 * s, 44 * s)
    # Three rising yellow bars on a baseline: progress through the plan years.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#ffd54f"))
    base = 212 * s
    for i, height in enumerate((48, 84, 112)):
        x = (52 + i * 56) * s
        p.drawRoundedRect(QRectF(x, base - height * s, 40 * s, height * s), 6 * s, 6 * s)
    p.setBrush(QColor("#fff8e1"))
    p.drawRect(QRectF(40 * s, base, 176 * s, max(1.0, 8 * s)))
    # A white tick above the bars: the target is met.
    if size >= 24:
        tick = QPainterPath()
        tick.moveTo(146 * s, 52 * s)
        tick.lineTo(168 * s, 74 * s)
        tick.lineTo(208 * s, 30 * s)
        p.setPen(QPen(QColor("#ffffff"), 14 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(tick)
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def ico_bytes(images: list[tuple[int, bytes]]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in images:
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "app.png").write_bytes(png_bytes(draw(256)))
    (OUT / "app.ico").write_bytes(ico_bytes([(n, png_bytes(draw(n))) for n in ICO_SIZES]))
    print(f"Đã ghi {OUT / 'app.png'} và {OUT / 'app.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
