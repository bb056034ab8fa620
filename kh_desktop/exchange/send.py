"""Writing this PC's exchange file ("Gửi số liệu về Văn phòng")."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .. import __version__
from ..storage.exchange_store import write_exchange_file
from ..storage.files import StoreError
from ..storage.store import Store
from .folders import EXCHANGE_SUFFIX, ascii_slug, stamp, unique_path

ALL_UNITS_LABEL = "Tong-hop"


def exchange_file_stem(store: Store, when: datetime | None = None) -> str:
    """'KienHai_P-Kinh-te_2026-11-28_1430': commune, unit short name (or Tong-hop), date and time."""
    plan = store.plan
    commune = ascii_slug(plan.commune, joiner="") or "KienHai"
    unit = store.pc_unit
    who = ascii_slug(plan.unit_by_id(unit).short) if unit else ALL_UNITS_LABEL
    return f"{commune}_{who}_{stamp(when)}"


def send(store: Store, out: Path | str) -> Path:
    """Write the exchange file into folder `out` (named by unit, date and time) or as file `out`; return it."""
    out = Path(out)
    if out.is_dir():
        dest = unique_path(out, exchange_file_stem(store), EXCHANGE_SUFFIX)
    else:
        if not out.parent.is_dir():
            raise StoreError(f"Không có thư mục {out.parent}. Hãy chọn một thư mục có sẵn (ví dụ ổ USB).")
        dest = out if out.suffix else out.with_suffix(EXCHANGE_SUFFIX)
        if dest.resolve() == store.path.resolve():
            raise StoreError("Không ghi tệp gửi đè lên tệp dữ liệu đang dùng. Hãy chọn tên khác.")
    write_exchange_file(store, dest, __version__)
    return dest
