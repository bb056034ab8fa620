"""The command line: `python -m kh_desktop [--db PATH] COMMAND ...`; no command starts the window."""

from .main import main

__all__ = ["main"]
