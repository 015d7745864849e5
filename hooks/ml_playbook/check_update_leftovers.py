"""check-update-leftovers: nothing left over from a `copier update` or a merge.

Refuses `*.rej` files (hunks copier could not apply) and lines that open or close a
conflict (`<<<<<<< ` / `>>>>>>> `): resolve the conflict, keep what is right, delete the rest.
"""

from collections.abc import Iterator, Sequence

from ._common import parser, report

MARKERS = (b"<<<<<<< ", b">>>>>>> ")
BARE_MARKERS = (b"<<<<<<<", b">>>>>>>")


def problems(filenames: Sequence[str]) -> Iterator[str]:
    for name in filenames:
        if name.endswith(".rej"):
            yield (
                f"{name}: a hunk `copier update` could not apply; merge it by hand into the "
                "file it names, then delete the .rej file."
            )
            continue
        try:
            with open(name, "rb") as handle:
                for number, line in enumerate(handle, 1):
                    if line.startswith(MARKERS) or line.rstrip(b"\r\n") in BARE_MARKERS:
                        marker = line[:7].decode()
                        yield (
                            f"{name}:{number}: conflict marker {marker}; resolve the conflict "
                            "and remove the markers."
                        )
        except OSError as error:
            yield f"{name}: cannot be read ({error.strerror})."


def main(argv: Sequence[str] | None = None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    return report(problems(args.filenames))


if __name__ == "__main__":
    raise SystemExit(main())
