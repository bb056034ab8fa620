"""What every command shares: opening the store, printing, and turning errors into messages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..domain.errors import UserError
from ..storage.store import Store


class CommandError(UserError):
    """A refusal a command reports; str() is Vietnamese."""


def open_store(args) -> Store:
    path = Path(args.db)
    if not path.exists():
        raise CommandError(f'Chưa có tệp dữ liệu {path}. Hãy tạo bằng lệnh: kh-desktop --db "{path}" init')
    return Store.open(path)


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def unit_id(store: Store, name: str | None) -> str | None:
    return store.plan.unit(name).id if name else None
