"""check-data-files: no data files in git; data goes through DVC.

Data sets (CSV, Parquet, Excel, pickles, databases, ...) anywhere, and anything under data/
but its READMEs, DVC pointer files and provenance records, are refused. Small samples may
live in an allow-listed folder (default data/samples/ and tests/fixtures/) under a size limit.
It judges names (and the size of samples) only: it never reads a file, so none can hang it.
"""

import os
import stat
from collections.abc import Iterator, Sequence

from ..files import argument, posix, shown
from ..governance.provenance import is_data_metadata
from ._cli import parse, parser, report

DATA_SUFFIXES = {
    ".arrow", ".avro", ".csv", ".db", ".duckdb", ".dta", ".feather", ".h5", ".hdf5",
    ".joblib", ".jsonl", ".ndjson", ".npy", ".npz", ".orc", ".parquet", ".pickle", ".pkl",
    ".pq", ".sav", ".sqlite", ".tsv", ".xls", ".xlsx",
}  # fmt: skip


def problems(filenames: Sequence[str], allowed_dirs: Sequence[str], max_kb: int) -> Iterator[str]:
    prefixes = tuple(folder.rstrip("/") + "/" for folder in allowed_dirs)
    for name in filenames:
        path = posix(name).as_posix()
        is_data = posix(name).suffix.lower() in DATA_SUFFIXES
        under_data = path.startswith("data/") and not is_data_metadata(path)
        if not (is_data or under_data):
            continue
        if path.startswith(prefixes):
            size_kb = _size(name) / 1024
            if size_kb > max_kb:
                yield (
                    f"{shown(name)} ({size_kb:.0f} KB) exceeds the {max_kb} KB limit for samples; "
                    f"track it with DVC: `uv run dvc add {argument(name)}`."
                )
            continue
        yield (
            f"{shown(name)}: data goes through DVC, not git: `uv run dvc add {argument(name)}` "
            f"(and commit the .dvc file), or move a small sample (up to {max_kb} KB) to "
            f"{prefixes[0]}."
        )


def _size(name: str) -> int:
    """Bytes of a regular file; 0 for anything else (a FIFO or a device holds no sample)."""
    try:
        status = os.stat(name)
    except (OSError, ValueError):
        return 0
    return status.st_size if stat.S_ISREG(status.st_mode) else 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument(
        "--allow",
        action="append",
        help="folder where small samples may be committed (repeatable; "
        "default: data/samples and tests/fixtures)",
    )
    arguments.add_argument(
        "--max-kb", type=int, default=500, help="largest sample allowed in git (KB, default 500)"
    )
    args = parse(arguments, argv)
    allowed = args.allow or ["data/samples", "tests/fixtures"]
    return report(problems(args.filenames, allowed, args.max_kb))


if __name__ == "__main__":
    raise SystemExit(main())
