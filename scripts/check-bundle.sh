#!/usr/bin/env bash
# CI: build the standalone program (`make dist`: folder, zip, --self-test), then unpack the zip into an empty
# folder and run it there with a bare environment (no venv, no source tree, no PYTHONPATH, portable mode),
# as it would run on an office PC that has never seen Python.
set -euo pipefail
cd "$(dirname "$0")/.."
# PyInstaller on Linux needs objdump (binutils); a CI machine without it gets it from its package manager.
if [ "$(uname -s)" = Linux ] && ! command -v objdump >/dev/null && [ "${CI:-}" = true ] && command -v apt-get >/dev/null; then
  apt-get update -qq && apt-get install -y -qq binutils >/dev/null
fi
bash scripts/build-bundle.sh
NAME=KienHaiTienDo
ZIP=$(ls -t dist/$NAME-*.zip | head -n1)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
program="$scratch/pc/$NAME/$NAME"
if command -v unzip >/dev/null; then
  unzip -q "$ZIP" -d "$scratch/pc"  # restores the permissions stored in the zip, as a user's unzip does
else
  .venv/bin/python -m zipfile -e "$ZIP" "$scratch/pc" && chmod +x "$program"  # Python's zipfile drops them
fi
bare=(env -i "HOME=$scratch/home" "PATH=/usr/bin:/bin" "QT_QPA_PLATFORM=offscreen" "LANG=C.UTF-8")
mkdir -p "$scratch/home"
cd "$scratch"
"${bare[@]}" "$program" --version
"${bare[@]}" "$program" --self-test
# Portable mode: portable.txt beside the program keeps the data in du-lieu/ beside it.
touch "$scratch/pc/$NAME/portable.txt"
"${bare[@]}" "$program" init --all-units --person "Kiểm tra" >/dev/null
test -s "$scratch/pc/$NAME/du-lieu/kien-hai-tien-do.sqlite"
# The stick is the identity in portable mode: the key sits beside the data.
test -s "$scratch/pc/$NAME/du-lieu/danh-tinh-may/may-nay.key"
"${bare[@]}" "$program" whoami
"${bare[@]}" "$program" check
# The window opens on that database and the program leaves once it is shown.
"${bare[@]}" KH_EXIT_WHEN_SHOWN=1 "$program"
echo "Bản đóng gói $ZIP chạy được trên máy không có Python của dự án."
