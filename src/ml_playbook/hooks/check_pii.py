"""check-pii: no personal data in committed text (code, SQL, notebooks, docs, CSV/JSON samples).

Reports each finding with its line and a masked value. A true negative is silenced by
`pii: allow` on its line, or by listing the value in `.pii-allowlist`. Text is UTF-8, or
UTF-16/32 with a byte-order mark; binary files and what is not a regular file are skipped.
"""

import itertools
import os
from collections.abc import Iterator, Sequence

from ..files import (
    Note,
    NotRegular,
    Skip,
    TooLarge,
    argument,
    clip,
    read_text,
    require_regular,
    shown,
)
from ..governance import pii
from ._cli import parse, parser, report

MAX_BYTES = 5 * 1024 * 1024  # larger files are data, and data goes through DVC


def problems(filenames: Sequence[str], allowlist: frozenset[str]) -> Iterator[str]:
    for name in filenames:
        try:
            text = read_text(name, MAX_BYTES)
        except NotRegular as skipped:
            yield Note(skipped)
            continue
        except TooLarge as large:
            yield f"{large} Data goes through DVC: `uv run dvc add {argument(name)}`."
            continue
        except Skip as unreadable:
            yield str(unreadable)
            continue
        if text is None:
            continue  # binary: check-data-files and check-added-large-files judge those
        for number, match in pii.find_lines(text, allowlist):
            yield (
                f"{shown(name)}:{number}: {pii.KINDS_BY_NAME[match.kind].description} "
                f"{clip(pii.mask(match.value))}; remove it, or mark a true negative with "
                f"`{pii.INLINE_MARKER}` or {pii.ALLOWLIST_FILE}."
            )


def load_allowlist(path: str) -> tuple[frozenset[str], str | None]:
    """The allowlist's values, and a problem if the file exists but cannot be read."""
    try:
        if os.path.lexists(path):
            require_regular(path)  # a FIFO or /dev/zero must not hang or fill memory
        return pii.load_allowlist(path), None
    except Skip:
        return frozenset(), (
            f"{shown(path)}: the allowlist is not a regular file; make it a text file of values."
        )
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        return frozenset(), f"{shown(path)}: the allowlist cannot be read ({reason})."


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument(
        "--allowlist", default=pii.ALLOWLIST_FILE, help="file of values never reported"
    )
    args = parse(arguments, argv)
    allowlist, problem = load_allowlist(args.allowlist)
    return report(
        itertools.chain([problem] if problem else [], problems(args.filenames, allowlist))
    )


if __name__ == "__main__":
    raise SystemExit(main())
