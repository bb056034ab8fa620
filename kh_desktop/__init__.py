"""Kiến Hải Tiến độ: tracking the commune's 2026–2030 socio-economic plan."""

APP_NAME = "Kiến Hải Tiến độ"


def __getattr__(name: str) -> str:
    # __version__ is looked up when first asked for: importlib.metadata costs ~40 ms of every start.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import metadata

    try:
        version = metadata.version("kh-desktop")
    except metadata.PackageNotFoundError:  # running from a source tree or a frozen bundle
        version = "0.1.0"
    globals()["__version__"] = version
    return version
