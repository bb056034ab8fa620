#!/usr/bin/env bash
# The real window under Xvfb at the office PCs' screen sizes, each dialog opened in turn, one PNG of the whole
# screen per window or dialog (scripts/screen_tour.py says whether each fits).
#
#   bash scripts/screenshots.sh [OUT_DIR]      (default: build/screenshots)
#
# Needs Xvfb (Debian/Ubuntu: apt-get install xvfb). Runs:
#   1366x768          QT_SCALE_FACTOR=1     the commune office laptops
#   1366x768          QT_SCALE_FACTOR=1.25  the same laptops at Windows' usual 125 %
#   1366x768          QT_SCALE_FACTOR=1.5   the smallest supported: 911×512 logical pixels
#   1920x1080         QT_SCALE_FACTOR=1.25
#   1920x1080         QT_SCALE_FACTOR=1.5
# Exit status 1 if any window or dialog did not fit its screen.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-build/screenshots}"
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
command -v xvfb-run >/dev/null || { echo "Cần Xvfb: apt-get install xvfb" >&2; exit 2; }
mkdir -p "$OUT"
status=0
for run in "1366x768 1 1366x768" "1366x768 1.25 1366x768-125" "1366x768 1.5 1366x768-150" "1920x1080 1.25 1920x1080-125" "1920x1080 1.5 1920x1080-150"; do
    set -- $run
    echo "== $1, QT_SCALE_FACTOR=$2"
    QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR="$2" xvfb-run -a -s "-screen 0 ${1}x24 -nolisten tcp" \
        "$PY" scripts/screen_tour.py "$OUT" "$3" || status=1
done
exit $status
