"""Reading files safely, as every hook and the PII scan do: regular files only (a FIFO or a
dangling symlink is noted, never opened for reading), bounded in size, text in UTF-8 (or with a
byte-order mark); and showing names and contents on one line.
"""

import codecs
import errno
import os
import shlex
import stat
from pathlib import Path, PurePosixPath

SNIFF_BYTES = 8192  # a NUL byte in the first 8 KB marks a binary file, as git decides
_PIECE_BYTES = 256 * 1024
SHOWN_CHARS = 80  # longest piece of a file's content echoed back in a message

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def posix(name: str) -> PurePosixPath:
    """A file name as a POSIX path. git and pre-commit name files with `/` on every system;
    only where `\\` is the system's separator (Windows) is it read as one. On POSIX a
    backslash is an ordinary character: `sql\\staging\\x.sql` is a file at the root."""
    return PurePosixPath(Path(name).as_posix())


def shown(name: str) -> str:
    """A file name as it can be printed on one line: names with control characters (or
    none at all) quoted."""
    if name and name.isprintable():
        return name
    return repr(name)


def argument(name: str) -> str:
    """A file name as it can be pasted into a shell command in a message."""
    return shlex.quote(name) if name.isprintable() else shown(name)


def clip(text: str, limit: int = SHOWN_CHARS) -> str:
    """A piece of a file's content fit to echo in a one-line message: control characters
    escaped, at most `limit` characters, `…` where it was cut."""
    cut = text[: limit + 1]
    if not cut.isprintable():
        cut = repr(cut)[1:-1]
    return cut if len(cut) <= limit and len(text) <= limit else cut[:limit] + "…"


class Skip(Exception):
    """The file's content is not checked; the message (one line) says why. Each hook decides
    whether that is a problem: a regular file it cannot read usually is."""


class NotRegular(Skip):
    """Not a regular file (a folder, FIFO, device, socket, dangling or looping symlink):
    nothing git could hold as content, so hooks note it and pass."""


class TooLarge(Skip):
    """A regular file larger than the hook reads."""


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def require_regular(name: str) -> os.stat_result:
    """The status of `name`, a regular file (symlinks followed). Raises NotRegular for
    anything else and Skip for a path that does not exist at all."""
    try:
        status = os.stat(name)
    except (OSError, ValueError) as error:
        if not os.path.lexists(name):
            raise Skip(f"{shown(name)}: no such file.") from None
        code = getattr(error, "errno", None)
        why = {errno.ENOENT: "a dangling symlink", errno.ELOOP: "a symlink loop"}.get(
            code, f"cannot be read ({getattr(error, 'strerror', None) or error})"
        )
        raise NotRegular(f"{shown(name)}: skipped, {why}.") from None
    if not stat.S_ISREG(status.st_mode):
        kind = next((kind for test, kind in _KINDS if test(status.st_mode)), "not a regular file")
        raise NotRegular(f"{shown(name)}: skipped, {kind}, not a regular file.")
    return status


def open_regular(name: str):
    """A binary handle on the regular file `name` (see require_regular).

    The file is opened without blocking and checked again once open, so a path swapped
    for a FIFO after the first check can neither hang the hook nor be read.
    """
    require_regular(name)
    try:
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise Skip(f"{shown(name)}: cannot be read ({error.strerror}).") from None
    handle = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise NotRegular(f"{shown(name)}: skipped, not a regular file.")
    return handle


def read_bytes(name: str, limit: int) -> bytes:
    """The bytes of the regular file `name`; Skip if it holds more than `limit` bytes."""
    return _read(name, limit, binary_too=True)


def _read(name: str, limit: int, binary_too: bool) -> bytes | None:
    """The bytes of a regular file, or None for a binary one unless `binary_too`. A binary
    file is known by its first 8 KB, so a large one is neither read nor refused as too large.
    The rest is read in pieces: read(n) reserves n bytes up front, whatever the file holds."""
    with open_regular(name) as handle:
        try:
            pieces = [handle.read(min(SNIFF_BYTES, limit + 1))]
            if not binary_too and is_binary(pieces[0]):
                return None
            total = len(pieces[0])
            while total <= limit and total >= SNIFF_BYTES:
                piece = handle.read(min(limit + 1 - total, _PIECE_BYTES))
                if not piece:
                    break
                pieces.append(piece)
                total += len(piece)
        except OSError as error:
            raise Skip(f"{shown(name)}: cannot be read ({error.strerror}).") from None
    if total > limit:
        raise TooLarge(f"{shown(name)}: over {_size(limit)}, too large to check.")
    return b"".join(pieces)


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if count < 1024 or count % 1024:
            return f"{count:,} {unit}"
        count //= 1024
    return f"{count:,} GB"


def is_binary(raw: bytes) -> bool:
    """A NUL byte in the first 8 KB, unless a UTF-16/32 byte-order mark explains it."""
    return b"\0" in raw[:SNIFF_BYTES] and not raw.startswith(tuple(bom for bom, _ in _BOMS))


def decode(name: str, raw: bytes) -> str:
    """Text of `raw`: UTF-8, or UTF-8/16/32 with a byte-order mark. Raises Skip otherwise."""
    encoding = next((codec for bom, codec in _BOMS if raw.startswith(bom)), "utf-8")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise Skip(f"{shown(name)}: not UTF-8 text; save it as UTF-8.") from None


def read_text(name: str, limit: int) -> str | None:
    """The text of a regular file of at most `limit` bytes; None for a binary file.

    Raises NotRegular for what is not a regular file, and Skip (with a one-line message)
    for a missing path, a file larger than `limit`, or one that is not text in UTF-8 (or
    UTF-16/32 with a byte-order mark).
    """
    raw = _read(name, limit, binary_too=False)
    return None if raw is None else decode(name, raw)


class Note(str):
    """A line printed with the problems but not counted as one (a file skipped, and why)."""
