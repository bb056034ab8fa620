"""The one base class of errors whose message is for the person."""

from __future__ import annotations


class UserError(Exception):
    """Something the person can act on: str() is a whole Vietnamese sentence, shown as it is (no traceback).

    Each front end catches it in one place: the command line in cli/main.py (message, exit code 2), the window
    in ui/app.py's error hook (a message box) besides the views that show it where the person is typing.
    """
