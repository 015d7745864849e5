"""What every hook shares: reading the file arguments, reading files safely, and reporting
problems one per line.

File names are data, never options: pre-commit appends the staged names after the hook's
`args`, so a file called `-h` or `--rf.py` must be checked, not obeyed. `parse()` therefore
reads as options only the option strings the hook declares (and `--help` only when it is the
sole argument and no file of that name exists); everything else is a file name.
"""

import argparse
import codecs
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

SNIFF_BYTES = 8192  # a NUL byte in the first 8 KB marks a binary file, as git decides

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser taking the file names pre-commit passes."""
    result = argparse.ArgumentParser(description=description)
    result.add_argument("filenames", nargs="*", help="files to check (pre-commit passes them)")
    return result


def parse(arguments: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse `argv` so that no file name is ever taken for an option.

    A token is an option only if it is one of the declared option strings (`--max-kb`,
    `--max-kb=5`); its value is the next token. `--` ends the options. Everything else,
    `-h` and `--help.sql` included, is a file name.
    """
    import sys

    tokens = list(sys.argv[1:] if argv is None else argv)
    if len(tokens) == 1 and tokens[0] in ("-h", "--help") and not os.path.lexists(tokens[0]):
        arguments.print_help()
        raise SystemExit(0)
    declared = {
        option: action
        for option, action in arguments._option_string_actions.items()
        if not isinstance(action, argparse._HelpAction)
    }
    options: list[str] = []
    files: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        name = token.split("=", 1)[0]
        if token == "--":
            files.extend(tokens[index + 1 :])
            break
        if name in declared:
            takes_value = declared[name].nargs != 0
            if "=" in token or not takes_value:
                options.append(token)
            elif index + 1 < len(tokens):
                options.extend(tokens[index : index + 2])
                index += 1
            else:
                arguments.error(f"{token} needs a value")
        else:
            files.append(token)
        index += 1
    return arguments.parse_args([*options, "--", *files])


def posix(name: str) -> PurePosixPath:
    return PurePosixPath(name.replace("\\", "/"))


def shown(name: str) -> str:
    """A file name as it can be printed on one line: names with control characters quoted."""
    if name.isprintable():
        return name
    return repr(name)


class Skip(Exception):
    """The file is not checked; the message (one line) says why."""


def read_bytes(name: str, limit: int) -> bytes:
    """Up to `limit` + 1 bytes of a regular file (callers compare the length to `limit`).

    Anything that is not a regular file — a folder, a FIFO, a device, a socket, a missing
    path or a dangling symlink — raises Skip, so no hook hangs on a FIFO or reads /dev/zero.
    """
    try:
        status = os.stat(name)
    except OSError as error:
        raise Skip(f"{shown(name)}: skipped, cannot be read ({error.strerror}).") from None
    if not stat.S_ISREG(status.st_mode):
        raise Skip(f"{shown(name)}: skipped, not a regular file.")
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since stat(), open() must not hang.
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise Skip(f"{shown(name)}: skipped, not a regular file.")
            return handle.read(limit + 1)
    except OSError as error:
        raise Skip(f"{shown(name)}: skipped, cannot be read ({error.strerror}).") from None


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

    Raises Skip (with a one-line message) for what is not a regular file, is larger than
    `limit`, or is not text in UTF-8 (or UTF-16/32 with a byte-order mark).
    """
    raw = read_bytes(name, limit)
    if len(raw) > limit:
        raise Skip(f"{shown(name)}: skipped, larger than {limit:,} bytes.")
    if is_binary(raw):
        return None
    return decode(name, raw)


def report(problems: Iterable[str]) -> int:
    """Print each problem on its own line; 1 if there were any, else 0."""
    found = 0
    for problem in problems:
        print(problem)
        found += 1
    return 1 if found else 0
