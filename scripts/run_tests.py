"""The one test entry, on Linux and Windows alike: ruff check, ruff format --check, then the whole pytest suite.

Run by `make test` (after scripts/setup-venv.sh) and by .github/workflows/windows.yml. Arguments go to pytest
(`python scripts/run_tests.py -x tests/test_plan.py`). Tests that need POSIX (setuid, RLIMIT, tmpfs) or a program
that may be absent (LibreOffice) skip themselves with their reason (markers `posix_only`, `needs_program`);
nothing else is left out. The exit status is the first failing step's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINTED = ["kh_desktop", "tests", "scripts/run_tests.py"]


def main(argv: list[str]) -> int:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    steps = [
        ("ruff check", [sys.executable, "-m", "ruff", "check", *LINTED]),
        ("ruff format --check", [sys.executable, "-m", "ruff", "format", "--check", *LINTED]),
        ("pytest", [sys.executable, "-m", "pytest", "-q", *argv]),
    ]
    for name, command in steps:
        print(f"== {name}", flush=True)
        code = subprocess.call(command, cwd=ROOT, env=env)
        if code != 0:
            print(f"== {name} failed ({code})", flush=True)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
