"""This PC's identity: an Ed25519 key that belongs to the computer and its Windows account, not to the data file.

Copying the data folder to another PC must not copy who wrote the figures. The key file is therefore sealed to
where it was made: on Windows with DPAPI (CryptProtectData, readable only by the same Windows account on the
same machine); elsewhere it records the machine's id and the account, and a key found on another machine is set
aside and a new one made. In portable mode the key lives on the stick beside the data: the stick is the identity.
`KH_KEY_DIR`, when set, names the folder that holds the identity (tests play several PCs on one machine).

Beside the key sits the PC's revision high-water mark: every revision number this PC hands out is reserved
there first, so a restored or recovered database never reuses a number ("a restore goes back in the data,
never in the counter").
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import json
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nacl is imported where a key is used: ~20 ms that opening the window does not need
    from nacl.signing import SigningKey

from .domain.errors import UserError

KEY_FILE = "may-nay.key"
MARK_FILE = "may-nay.moc"  # the revision high-water mark
KEY_FOLDER = "danh-tinh-may"
RESERVE_BLOCK = 100  # revision numbers reserved per write of the mark: one small write per hundred edits
MAX_REVISION = 10**12  # far above five years of typing, far below SQLite's integer limit


class IdentityError(UserError):
    """The identity cannot be read or written; str() is Vietnamese."""


def key_dir() -> Path:
    override = os.environ.get("KH_KEY_DIR")
    if override:
        return Path(override)
    from .paths import data_dir

    return data_dir() / KEY_FOLDER


def pc_id_of(public_key: bytes) -> str:
    """The PC id a key gives: 32 hex digits of its sha256 (the shape of the ids of earlier releases)."""
    return hashlib.sha256(public_key).hexdigest()[:32]


def fingerprint_of(public_key: bytes) -> str:
    """12 digits in groups of four, easy to read aloud on the phone: '4821 0937 5560'."""
    number = int.from_bytes(hashlib.sha256(b"khtd-fingerprint" + public_key).digest()[:8], "big") % 10**12
    digits = f"{number:012d}"
    return " ".join(digits[i : i + 4] for i in range(0, 12, 4))


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    try:
        VerifyKey(public_key).verify(message, signature)
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


@dataclass
class Identity:
    folder: Path
    _key: SigningKey
    replaced_foreign: bool = False  # a key made on another machine was found and set aside

    @property
    def public_key(self) -> bytes:
        return bytes(self._key.verify_key)

    @property
    def pc_id(self) -> str:
        return pc_id_of(self.public_key)

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message).signature

    # ---- the high-water mark --------------------------------------------------------------------------

    @property
    def high_water(self) -> int:
        """The highest revision number this PC may have handed out (0 when none)."""
        try:
            data = json.loads((self.folder / MARK_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return 0
        except (OSError, ValueError) as exc:
            raise IdentityError(f"Không đọc được mốc phiên bản của máy này ({self.folder / MARK_FILE}).") from exc
        if data.get("pc_id") != self.pc_id or type(data.get("reserved")) is not int:
            return 0
        return data["reserved"]

    def reserve_block(self, first: int) -> int:
        """Reserve revision numbers `first`..end for one writer (a store session) before any is used; return end.

        `first` must be above `high_water`: blocks never overlap, so two sessions (two databases open on one PC,
        a restored file) never hand out the same number."""
        if first <= self.high_water:
            raise IdentityError("Số phiên bản xin cấp đã được cấp trước đây.")
        end = first + RESERVE_BLOCK - 1
        if end > MAX_REVISION:
            raise IdentityError("Bộ đếm phiên bản của máy này đã vượt giới hạn.")
        _write_atomically(self.folder / MARK_FILE, json.dumps({"pc_id": self.pc_id, "reserved": end}).encode())
        return end


def load_identity(folder: Path | None = None) -> Identity:
    """This PC's identity from `folder` (default: key_dir()), made on first use."""
    folder = Path(folder) if folder is not None else key_dir()
    try:
        return _load_or_make(folder)
    except OSError as exc:  # a folder this account may not read or write, a full disk, a pulled stick
        raise IdentityError(
            f"Không đọc hoặc ghi được khóa định danh của máy này trong {folder} ({exc.strerror or exc}). "
            "Hãy kiểm tra quyền truy cập thư mục đó, hoặc liên hệ người quản trị."
        ) from exc


def _load_or_make(folder: Path) -> Identity:
    from nacl.signing import SigningKey

    path = folder / KEY_FILE
    replaced = False
    if path.exists():
        try:
            seed = _unseal(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as exc:
            raise IdentityError(
                f"Không đọc được khóa định danh của máy này ({path}). Tệp khóa bị hỏng; hãy liên hệ người quản trị."
            ) from exc
        if seed is not None:
            return Identity(folder, SigningKey(seed))
        # Made on another machine or for another account (a copied folder): never use it as ours.
        _set_aside(path)
        _set_aside(folder / MARK_FILE)
        replaced = True
    key = SigningKey.generate()
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, json.dumps(_seal(bytes(key))).encode())
    return Identity(folder, key, replaced_foreign=replaced)


# ---- sealing the key to this machine and account ----------------------------------------------------------


def _binding() -> str:
    """Which machine and account a key belongs to (not secret: it only tells a copied key from ours)."""
    machine = ""
    for candidate in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            machine = Path(candidate).read_text(encoding="ascii").strip()
            break
        except OSError:
            continue
    if not machine:
        machine = f"node-{uuid.getnode():012x}"
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no account name: the machine alone binds the key
        user = ""
    return hashlib.sha256(f"{machine}\n{user}".encode()).hexdigest()


def _seal(seed: bytes) -> dict:
    if sys.platform == "win32":
        return {"format": "khtd-key-1", "protection": "dpapi", "sealed": base64.b64encode(_dpapi(seed, True)).decode()}
    return {"format": "khtd-key-1", "protection": "machine", "binding": _binding(), "seed": seed.hex()}


def _unseal(data: dict) -> bytes | None:
    """The key's seed, or None when the key was made on another machine or account."""
    if data.get("protection") == "dpapi":
        if sys.platform != "win32":
            return None
        try:
            return _dpapi(base64.b64decode(data["sealed"]), False)
        except OSError:
            return None  # DPAPI refuses: another machine or another Windows account
    if data.get("binding") != _binding():
        return None
    seed = bytes.fromhex(data["seed"])
    if len(seed) != 32:
        raise ValueError("seed length")
    return seed


def _dpapi(data: bytes, protect: bool) -> bytes:
    """CryptProtectData / CryptUnprotectData for the current Windows account (not verified on Windows here)."""
    import ctypes
    from ctypes import wintypes

    class Blob(ctypes.Structure):
        _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

    crypt32, kernel32 = ctypes.windll.crypt32, ctypes.windll.kernel32
    buffer = ctypes.create_string_buffer(data, len(data))
    source = Blob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char)))
    result = Blob()
    call = crypt32.CryptProtectData if protect else crypt32.CryptUnprotectData
    if not call(ctypes.byref(source), None, None, None, None, 0x1, ctypes.byref(result)):  # UI_FORBIDDEN
        raise OSError("DPAPI refused")
    try:
        return ctypes.string_at(result.pbData, result.cbData)
    finally:
        kernel32.LocalFree(result.pbData)


def _set_aside(path: Path) -> None:
    if path.exists():
        os.replace(path, path.with_name(f"{path.name}.cua-may-khac-{uuid.uuid4().hex[:8]}"))


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".partial")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
