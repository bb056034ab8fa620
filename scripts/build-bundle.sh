#!/usr/bin/env bash
# Build the standalone program (README: `make dist`):
#   dist/KienHaiTienDo/                               the folder to copy to an office PC
#   dist/KienHaiTienDo-<version>-<os>-<machine>.zip   the same folder, zipped for sending
# then run the built program's --self-test. KH_ONEFILE=1 builds the one-file program instead (no zip).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh build
PY=.venv/bin/python
NAME=KienHaiTienDo
VERSION=$($PY -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
TAG=$($PY -c 'import platform, sys; print({"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform) + "-" + platform.machine().lower())')

started=$(date +%s)
.venv/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller build.spec
echo "Đã đóng gói trong $(( $(date +%s) - started )) giây."

if [ "${KH_ONEFILE:-}" = "1" ]; then
  PROGRAM=dist/$NAME
else
  ZIP=dist/$NAME-$VERSION-$TAG.zip
  rm -f "$ZIP"
  (cd dist && ../$PY -m zipfile -c "$(basename "$ZIP")" "$NAME")
  echo "Thư mục: dist/$NAME ($(du -sh "dist/$NAME" | cut -f1)); tệp nén: $ZIP ($(du -sh "$ZIP" | cut -f1))"
  PROGRAM=dist/$NAME/$NAME
fi
QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} "$PROGRAM" --self-test
