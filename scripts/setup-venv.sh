#!/usr/bin/env bash
# Create .venv beside the project and install the program with what its tests need.
# Usage: bash scripts/setup-venv.sh [extra ...]   (e.g. "test", "build")
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
extras=$(IFS=,; echo "$*")
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install -q -e ".[${extras}]"
else
  .venv/bin/python -m pip install -q -e .
fi
# The program's own modules compiled once, as an installed program or the bundle has them: with
# PYTHONDONTWRITEBYTECODE set (as on the reference machine) every launch would compile them again (~0.1 s).
# A module edited since is compiled again on import, as always; nothing stale is ever run.
.venv/bin/python -m compileall -q kh_desktop benchmarks >/dev/null
