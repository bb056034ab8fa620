"""Keyboard access: an Alt-letter (mnemonic) for every menu entry, however many parts add entries to a menu.

Menu entries come from several modules (report, exchange, conflict actions, …); rather than each picking letters
that may clash, the window gives every entry without one a free letter once all are installed.
"""

from __future__ import annotations

import string

LETTERS = set(string.ascii_lowercase + string.digits)  # typeable on any keyboard layout: no "đ", no "ư"


def _marked_letter(text: str) -> str | None:
    """The letter after a single '&' ('&&' is a literal ampersand), lower-cased; None if there is none."""
    at = 0
    while (at := text.find("&", at)) != -1:
        if text[at + 1 : at + 2] == "&":
            at += 2
            continue
        return text[at + 1 : at + 2].lower() or None
    return None


def _candidates(text: str) -> list[int]:
    """Positions worth marking: the first letter of each word first, then any other letter, in reading order."""
    starts = [n for n, ch in enumerate(text) if ch.lower() in LETTERS and (n == 0 or not text[n - 1].isalnum())]
    others = [n for n, ch in enumerate(text) if ch.lower() in LETTERS and n not in starts]
    return starts + others


def with_mnemonics(texts: list[str]) -> list[str]:
    """The same texts, each given an '&' before a letter no other text of the list uses (when one is left).

    Texts that already carry a mnemonic keep it, and their letters are not given to others."""
    used = {letter for text in texts if (letter := _marked_letter(text))}
    result = []
    for text in texts:
        if not text or _marked_letter(text):
            result.append(text)
            continue
        free = next((n for n in _candidates(text) if text[n].lower() not in used), None)
        if free is None:
            result.append(text)
            continue
        used.add(text[free].lower())
        result.append(text[:free] + "&" + text[free:])
    return result


def plain_text(text: str) -> str:
    """A menu text as it reads, without the mnemonic mark."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def assign_mnemonics(menu) -> None:
    """Give each entry of `menu` (and of its submenus) a free Alt-letter."""
    actions = [a for a in menu.actions() if not a.isSeparator()]
    for action, text in zip(actions, with_mnemonics([a.text() for a in actions]), strict=True):
        if text != action.text():
            action.setText(text)
        if action.menu() is not None:
            assign_mnemonics(action.menu())
