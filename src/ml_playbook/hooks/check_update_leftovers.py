"""check-update-leftovers: nothing left over from a `copier update` or a merge.

Refuses `*.rej` files (hunks copier could not apply) and lines that open or close a
conflict (`<<<<<<< ` / `>>>>>>> `): resolve the conflict, keep what is right, delete the rest.
Files are read in pieces, so a huge file or a huge line costs time in proportion to its
size and no more than a piece of memory.

When one of the files that pin the template release is checked (.copier-answers.yml,
pyproject.toml, .pre-commit-config.yaml at the root), it also refuses pins that disagree:
`pre-commit autoupdate` moves the hooks' rev alone (see _template_pins).
"""

import os
from collections.abc import Iterator, Sequence
from itertools import chain
from pathlib import Path

from ..files import Note, NotRegular, Skip, open_regular, shown
from ._cli import parse, parser, report
from ._template_pins import PIN_FILES, pin_problems

MARKERS = (b"<<<<<<< ", b">>>>>>> ")
BARE_MARKERS = (b"<<<<<<<", b">>>>>>>")
PIECE = 64 * 1024  # longest piece of a line read at once
QUICK_BYTES = 1024 * 1024  # files up to this size are searched whole first


def markers(handle) -> Iterator[tuple[int, str]]:
    """(line number, marker) of each line of a binary file that opens or closes a conflict."""
    size = os.fstat(handle.fileno()).st_size
    if size <= QUICK_BYTES:  # most files: one read, and no line loop unless a marker is there
        content = handle.read(size + 1)
        if len(content) <= size and not any(marker in content for marker in BARE_MARKERS):
            return
        handle.seek(0)
    number, at_line_start = 0, True
    while piece := handle.readline(PIECE):
        if at_line_start:
            number += 1
            if piece.startswith(MARKERS) or piece.rstrip(b"\r\n") in BARE_MARKERS:
                yield number, piece[:7].decode()
        at_line_start = piece.endswith(b"\n")


def problems(filenames: Sequence[str]) -> Iterator[str]:
    for name in filenames:
        if name.endswith(".rej"):
            yield (
                f"{shown(name)}: a hunk `copier update` could not apply; merge it by hand into "
                "the file it names, then delete the .rej file."
            )
            continue
        try:
            with open_regular(name) as handle:
                for number, marker in markers(handle):
                    yield (
                        f"{shown(name)}:{number}: conflict marker {marker}; resolve the conflict "
                        "and remove the markers."
                    )
        except NotRegular as skipped:
            yield Note(skipped)
        except Skip as unreadable:
            yield str(unreadable)
        except OSError as error:
            yield f"{shown(name)}: cannot be read ({error.strerror})."


def pins_checked(filenames: Sequence[str]) -> Iterator[str]:
    """The pin problems of the project in the working directory, if a pin file is checked."""
    if any(os.path.normpath(name) in PIN_FILES for name in filenames):
        yield from pin_problems(Path.cwd())


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(parser(__doc__.splitlines()[0]), argv)
    return report(chain(problems(args.filenames), pins_checked(args.filenames)))


if __name__ == "__main__":
    raise SystemExit(main())
