#!/usr/bin/env python3
"""Take screenshots of the công khai site (`kh-desktop publish OUT_DIR --period P`) in a real browser.

Usage: python scripts/screenshot-site.py SITE_DIR OUT_DIR [--width 1280] [--height 1600]
Writes OUT_DIR/<page>.png for every page of the site with headless Chromium (or Chrome), offline: the
flags keep the browser from reaching the network, and the site itself links to nothing outside.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def find_browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    sys.exit("Không tìm thấy Chromium/Chrome (cài gói chromium).")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1600)
    args = parser.parse_args()
    browser = find_browser()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = sorted(args.site.glob("*.html"), key=lambda p: (p.name != "index.html", p.name))
    if not pages:
        sys.exit(f"Không có trang .html nào trong {args.site}.")
    with tempfile.TemporaryDirectory() as profile:
        for page in pages:
            png = (args.out / page.with_suffix(".png").name).resolve()
            command = [
                browser,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={args.width},{args.height}",
                f"--screenshot={png}",
                page.resolve().as_uri(),
            ]
            result = subprocess.run(command, capture_output=True, text=True, timeout=120)
            if result.returncode != 0 or not png.exists():
                sys.exit(f"Chụp {page.name} không được:\n{result.stderr[-2000:]}")
            print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
