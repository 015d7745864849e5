"""check-pii: no personal data in committed text (code, SQL, notebooks, docs, CSV/JSON samples).

Reports each finding with its line and a masked value. A true negative is silenced by
`pii: allow` on its line, or by listing the value in `.pii-allowlist`.
"""

from collections.abc import Iterator, Sequence

from . import pii
from ._common import parser, report

MAX_BYTES = 5 * 1024 * 1024  # larger files are data, and data goes through DVC


def problems(filenames: Sequence[str], allowlist: frozenset[str]) -> Iterator[str]:
    for name in filenames:
        try:
            with open(name, "rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        except OSError as error:
            yield f"{name}: cannot be read ({error.strerror})."
            continue
        if len(raw) > MAX_BYTES:
            yield f"{name}: over 5 MB, too large to scan as text; data goes through DVC (`uv run dvc add {name}`)."
            continue
        if b"\0" in raw:
            continue  # binary: check-data-files and check-added-large-files judge those
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield f"{name}: not UTF-8 text, so it cannot be scanned for personal data; save it as UTF-8."
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if pii.INLINE_MARKER in line:
                continue
            for match in pii.find(line, allowlist):
                yield (
                    f"{name}:{number}: {pii.KINDS_BY_NAME[match.kind].description} "
                    f"{pii.mask(match.value)}; remove it, or mark a true negative with "
                    f"`{pii.INLINE_MARKER}` or {pii.ALLOWLIST_FILE}."
                )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument(
        "--allowlist", default=pii.ALLOWLIST_FILE, help="file of values never reported"
    )
    args = arguments.parse_args(argv)
    return report(problems(args.filenames, pii.load_allowlist(args.allowlist)))


if __name__ == "__main__":
    raise SystemExit(main())
