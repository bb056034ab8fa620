"""What the standalone program leaves out, shared by build.spec and benchmarks/bare_window.spec.

PyInstaller collects every Qt plugin family that QtGui and QtWidgets might load, the Python extension modules
of whole packages, and every binary with its debug symbols. `lean(analysis, report)` drops from the analysis
what the program never loads, rule by rule, each rule proved harmless by the built program's --self-test and
its window shown (scripts/check-bundle.sh), then drops the shared libraries that only the dropped files needed,
and (outside Windows) strips debug symbols. It writes what each rule removed, unzipped and zipped, to `report`
(README "Đóng gói": the table comes from that file).

KH_LEAN=0 builds the bundle whole, to measure against or to find which rule broke something.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path, PurePosixPath

WINDOWS = sys.platform == "win32"

# Qt's platform plugins the program starts on: Windows, X11 on Linux, macOS, and offscreen (the self-test,
# the CI checks and the benchmarks run without a screen).
PLATFORMS_KEPT = {"qwindows", "qxcb", "qcocoa", "qoffscreen"}

# (rule name, what it leaves out and why it is safe). The matching code is `_rule_of` below.
RULES = {
    "qt-translations": "Qt's translations of its own dialogs: Qt ships none in Vietnamese (a *_vi.qm would stay)",
    "qt-platforms": "platform plugins the program never starts on: Wayland (X11 serves it), EGLFS, LinuxFB, VNC, "
    "minimal, Vulkan display",
    "qt-wayland-egl": "Wayland client, EGL device and X11 OpenGL integration plugins with their Qt libraries "
    "(nothing is drawn with OpenGL)",
    "qt-input-devices": "evdev and TUIO input plugins for kiosk systems without a window system, and Qt's on-screen "
    "keyboard (Windows wheels; it would bring Qt Quick along): typing Vietnamese goes through the system's input "
    "method (ibus on Linux, kept; Windows' own)",
    "qt-network": "QtNetwork and its TLS and network-information plugins: the program never uses the network",
    "qt-images-icons": "image format and SVG icon plugins: the only image the program loads is a PNG (built in)",
    "qt-unused-modules": "PySide6 modules pyqtgraph imports only if present and the program never uses: QtSvg, QtTest",
    "qt-gtk-theme": "the GTK3 and XDG-portal platform themes (Linux): Qt's own dialogs and the Fusion style are used",
    "lxml-unused": "lxml.objectify, lxml.html, isoschematron, sax, builder: python-docx uses lxml.etree only",
    "numpy-unused": "numpy.random and numpy.fft: loaded only by pyqtgraph features the program does not use",
    "python-unused": "the CJK codecs (Chinese, Japanese, Korean text) and the ssl module (no network)",
}
# Never dropped, whatever a rule says: the software OpenGL that old PCs with broken graphics drivers need,
# and Python itself (the bootloader loads it by name, nothing links to it).
NEVER_DROPPED = re.compile(r"(^|/)(opengl32sw\.dll|python3\d*\.dll|libpython3[^/]*)$", re.IGNORECASE)

# Not QtOpenGL nor QtOpenGLWidgets: pyqtgraph's curve code imports both whether OpenGL is used or not.
_UNUSED_QT_MODULES = ("QtSvg", "QtTest", "QtNetwork")
_CJK = ("_codecs_cn", "_codecs_hk", "_codecs_jp", "_codecs_kr", "_codecs_tw", "_codecs_iso2022", "_multibytecodec")


def _rule_of(dest: str) -> str | None:
    """The rule that drops the bundled file at `dest` (a path inside the bundle), or None to keep it."""
    path = PurePosixPath(dest.replace("\\", "/"))
    parts = path.parts
    name = path.name
    stem = name.split(".")[0]
    lowered = [p.lower() for p in parts]
    if NEVER_DROPPED.search(str(path)):
        return None
    if "translations" in lowered and "pyside6" in lowered:
        return None if re.search(r"_vi\.qm$", name) else "qt-translations"
    if "plugins" in lowered:
        family = lowered[lowered.index("plugins") + 1] if lowered.index("plugins") + 1 < len(parts) else ""
        plugin = stem.removeprefix("lib")
        if family == "platforms":
            return None if plugin in PLATFORMS_KEPT else "qt-platforms"
        if family.startswith("wayland-") or family in ("egldeviceintegrations", "xcbglintegrations"):
            return "qt-wayland-egl"
        if family == "generic" or (family == "platforminputcontexts" and "virtualkeyboard" in plugin):
            return "qt-input-devices"
        if family in ("tls", "networkinformation"):
            return "qt-network"
        if family in ("imageformats", "iconengines"):
            return "qt-images-icons"
        if family == "platformthemes":
            return "qt-gtk-theme"
        return None
    if lowered[:1] == ["pyside6"] and stem in _UNUSED_QT_MODULES:
        # The Python binding only: its Qt library goes below with the other libraries nothing kept needs.
        return "qt-network" if stem == "QtNetwork" else "qt-unused-modules"
    if lowered[:1] == ["pyside6"]:
        return None
    if lowered[:1] == ["lxml"]:
        if len(parts) > 1 and (parts[1] in ("html", "isoschematron") or stem in ("objectify", "sax", "builder")):
            return "lxml-unused"
        return None
    if lowered[:1] == ["numpy"] and len(parts) > 1 and parts[1] in ("random", "fft"):
        return "numpy-unused"
    if stem in _CJK or stem == "_ssl":
        return "python-unused"
    return None


def _module_rule(module: str) -> str | None:
    """The rule that drops a pure-Python module (a.pure entries are named by module, not path)."""
    top = module.split(".")
    if top[0] == "PySide6" and len(top) > 1 and top[1] in _UNUSED_QT_MODULES:
        return "qt-network" if top[1] == "QtNetwork" else "qt-unused-modules"
    if top[0] == "lxml" and len(top) > 1 and top[1] in ("html", "isoschematron", "objectify", "sax", "builder"):
        return "lxml-unused"
    if top[0] == "numpy" and len(top) > 1 and top[1] in ("random", "fft"):
        return "numpy-unused"
    return None


def _zipped(path: Path) -> int:
    return len(zlib.compress(path.read_bytes(), 6))


def _imports(path: str) -> set[str]:
    from PyInstaller.depend.bindepend import get_imports

    try:
        return {Path(name).name for name, _ in get_imports(path)}
    except Exception:  # noqa: BLE001 - an unreadable binary is kept, and so is everything it might need
        return set()


def _is_shared_library(dest: str) -> bool:
    name = PurePosixPath(dest.replace("\\", "/")).name
    return bool(re.search(r"\.(so(\.\d+)*|dll|dylib)$", name, re.IGNORECASE))


def lean(analysis, report: Path) -> None:
    """Drop what the program never loads from a PyInstaller Analysis, in place; write what each rule saved."""
    if os.environ.get("KH_LEAN", "1") != "1":
        return
    saved: dict[str, list[tuple[str, int, int]]] = {rule: [] for rule in RULES}

    def drop(toc, is_module_toc: bool = False):
        kept, dropped = [], []
        for entry in toc:
            dest, src = entry[0], entry[1]
            rule = _module_rule(dest) if is_module_toc else _rule_of(dest)
            if rule is None:
                kept.append(entry)
                continue
            dropped.append(entry)
            if src and Path(src).is_file():
                saved[rule].append((dest, Path(src).stat().st_size, _zipped(Path(src))))
            else:
                saved[rule].append((dest, 0, 0))
        return kept, dropped

    analysis.binaries, dropped_binaries = drop(analysis.binaries)
    analysis.datas, _ = drop(analysis.datas)
    analysis.pure, _ = drop(analysis.pure, is_module_toc=True)

    # Shared libraries that only dropped files needed (GTK for the GTK theme, OpenSSL for TLS, libxcb-* for
    # the EGL integrations...). A library is dropped only if some dropped file needed it and nothing kept
    # needs it, directly or through other kept libraries.
    by_name = {PurePosixPath(e[0].replace("\\", "/")).name: e for e in analysis.binaries}
    needed: set[str] = set()
    # What Python or Qt loads by name (extension modules, plugins) and what must never go are the roots.
    stack = [
        e
        for e in analysis.binaries
        if re.search(r"(\.cpython-|\.abi3\.|\.pyd$)", e[0])
        or "plugins" in e[0].replace("\\", "/").split("/")
        or NEVER_DROPPED.search(e[0].replace("\\", "/"))
    ]
    seen = set()
    while stack:
        entry = stack.pop()
        if entry[0] in seen:
            continue
        seen.add(entry[0])
        for name in _imports(entry[1]):
            needed.add(name)
            if name in by_name:
                stack.append(by_name[name])
    # A library that files of several rules needed is counted under the first of these (the most specific).
    order = ["qt-network", "qt-unused-modules", "qt-images-icons", "qt-gtk-theme", "python-unused"]
    for rule in order + [r for r in saved if r not in order]:
        files = saved[rule]
        wanted: set[str] = set()
        for dest, _, _ in files:
            source = next((e[1] for e in dropped_binaries if e[0] == dest), None)
            if source:
                wanted |= _imports(source)
        orphans = [by_name[n] for n in sorted(wanted) if n in by_name and n not in needed]
        orphans = [e for e in orphans if not NEVER_DROPPED.search(e[0].replace("\\", "/"))]
        for entry in orphans:
            analysis.binaries.remove(entry)
            del by_name[PurePosixPath(entry[0].replace("\\", "/")).name]
            files.append((entry[0], Path(entry[1]).stat().st_size, _zipped(Path(entry[1]))))

    if not WINDOWS and shutil.which("strip"):
        saved["debug-symbols"] = _strip_debug(analysis, report.parent / "stripped")
    RULES.setdefault(
        "debug-symbols", "debug symbols of Python and of extension modules (Linux/macOS builds; Windows has none)"
    )
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        json.dumps(
            {
                rule: {
                    "what": RULES[rule],
                    "bytes": sum(f[1] for f in files),
                    "zipped_bytes": sum(f[2] for f in files),
                    "files": [f[0] for f in files],
                }
                for rule, files in saved.items()
            },
            indent=2,
        ),
        encoding="utf-8",
    )


def _strip_debug(analysis, folder: Path) -> list[tuple[str, int, int]]:
    """Replace each binary that carries debug sections by a copy without them (strip --strip-debug keeps the
    symbols the dynamic linker uses). The copies are cached by source path, size and time."""
    folder.mkdir(parents=True, exist_ok=True)
    savings = []
    binaries = []
    for entry in analysis.binaries:
        dest, src, kind = entry[0], entry[1], entry[2]
        source = Path(src)
        # Libraries that auditwheel vendored into a wheel (numpy.libs/...) were rewritten by patchelf; strip
        # leaves them unloadable ("ELF load command address/offset not page-aligned"), so they stay as shipped.
        vendored = any(part.endswith(".libs") for part in PurePosixPath(dest.replace("\\", "/")).parts[:-1])
        if vendored or (not _is_shared_library(dest) and not dest.endswith(".pyd")):
            binaries.append(entry)
            continue
        stat = source.stat()
        key = hashlib.sha1(f"{source}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16] + "-" + source.name
        copy = folder / key
        if not copy.exists():
            with source.open("rb") as handle:
                head = handle.read(4)
            if head != b"\x7fELF" or b".debug_info" not in source.read_bytes():
                binaries.append(entry)
                continue
            partial = copy.with_name(copy.name + ".partial")
            done = subprocess.run(["strip", "--strip-debug", "-o", str(partial), str(source)], capture_output=True)
            if done.returncode != 0:
                binaries.append(entry)
                continue
            partial.replace(copy)
        before, after = stat.st_size, copy.stat().st_size
        savings.append((dest, before - after, _zipped(source) - _zipped(copy)))
        binaries.append((dest, str(copy), kind))
    analysis.binaries[:] = binaries
    return savings
