"""Argument parsing and dispatch. Each command group registers itself from its own module."""

from __future__ import annotations

import argparse
import sys

from .. import APP_NAME
from ..domain.errors import UserError, os_reason
from ..paths import default_db_path


class _VersionAction(argparse.Action):
    """--version, with the version looked up only when asked for (kh_desktop.__version__)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        import kh_desktop

        parser.exit(message=f"{APP_NAME} {kh_desktop.__version__}\n")


def _options_parser(add_help: bool = True) -> argparse.ArgumentParser:
    """The options before any command: all that opening the window takes."""
    parser = argparse.ArgumentParser(
        prog="kh-desktop", description=f"{APP_NAME}: theo dõi kế hoạch 2026–2030.", add_help=add_help
    )
    parser.add_argument("--db", default=str(default_db_path()), help="tệp dữ liệu (mặc định: thư mục dữ liệu)")
    parser.add_argument("--version", action=_VersionAction, help="in phiên bản rồi thoát")
    parser.add_argument("--snapshot", metavar="DIR", help="chụp ảnh từng tab vào DIR rồi thoát")
    parser.add_argument("--self-test", action="store_true", help="tự kiểm tra chương trình trên dữ liệu tạm rồi thoát")
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _options_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Each command group registers itself; loaded only when a command (or --help) is given: the window needs none.
    from . import exchange, figures, pcs, plans, reports, tasks

    for group in (figures, plans, exchange, pcs, reports, tasks):
        group.register(sub)
    return parser


def _parse(argv: list[str] | None) -> argparse.Namespace:
    # Without a command (the window, --self-test) the command groups' parsers are not built: ~7 ms of each start.
    # Anything else, --help and any mistake included, goes to the whole parser.
    args, rest = _options_parser(add_help=False).parse_known_args(argv)
    if rest:
        return build_parser().parse_args(argv)
    args.command = None
    return args


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    args = _parse(argv)
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
