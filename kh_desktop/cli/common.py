"""What every command shares: opening the store, printing, and turning errors into messages."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from ..domain.errors import UserError
from ..storage.files import folder_message
from ..storage.store import Store


class CommandError(UserError):
    """A refusal a command reports; str() is Vietnamese."""


# Commands that write to the --db file (or speak as its PC) outside the store's own transactions: refused at
# once on a backup or an exchange file. Every other write is refused by the store itself.
WRITING_COMMANDS = frozenset({"send", "receive", "resolve", "resolve-task"})


def open_store(args) -> Store:
    path = Path(args.db)
    if path.is_dir():
        raise CommandError(folder_message(path))
    if not path.exists():
        raise CommandError(f'Chưa có tệp dữ liệu {path}. Hãy tạo bằng lệnh: kh-desktop --db "{path}" init')
    store = Store.open(path)
    if store.refusal and getattr(args, "command", None) in WRITING_COMMANDS:
        store.close()
        raise CommandError(store.refusal)
    return store


def print_json(data) -> None:
    # allow_nan=False: "Infinity" and "NaN" are not JSON; a non-finite number prints as null instead.
    sys.stdout.write(json.dumps(_finite(data), ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def _finite(data):
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(value) for value in data]
    return data


def unit_id(store: Store, name: str | None) -> str | None:
    return store.plan.unit(name).id if name else None
