"""Argument parsing and dispatch. Each command group registers itself from its own module."""

from __future__ import annotations

import argparse
import sys

from .. import APP_NAME, __version__
from ..domain.errors import UserError, os_reason
from ..paths import default_db_path
from . import exchange, figures, pcs, plans, reports, tasks

COMMAND_GROUPS = [figures, plans, exchange, pcs, reports, tasks]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kh-desktop", description=f"{APP_NAME}: theo dõi kế hoạch 2026–2030.")
    parser.add_argument("--db", default=str(default_db_path()), help="tệp dữ liệu (mặc định: thư mục dữ liệu)")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--snapshot", metavar="DIR", help="chụp ảnh từng tab vào DIR rồi thoát")
    parser.add_argument("--self-test", action="store_true", help="tự kiểm tra chương trình trên dữ liệu tạm rồi thoát")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    if args.self_test:
        from ..selftest import run_self_test

        return run_self_test()
    if args.command is None:
        from ..ui.app import run_app

        return run_app(args)
    try:
        return args.func(args)
    except UserError as exc:  # the one place the command line turns a refusal into a message
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file the system refused: its own words are English
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"Lỗi: không thực hiện được{where}: {os_reason(exc)}.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130
