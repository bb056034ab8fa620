"""Kiến Hải Tiến độ: tracking the commune's 2026–2030 socio-economic plan."""

from importlib import metadata

try:
    __version__ = metadata.version("kh-desktop")
except metadata.PackageNotFoundError:  # running from a source tree or a frozen bundle
    __version__ = "0.1.0"

APP_NAME = "Kiến Hải Tiến độ"
