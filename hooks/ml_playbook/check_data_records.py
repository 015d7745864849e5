"""check-data-records: no data set enters git without a valid provenance record.

A data set is what a `.dvc` file tracks, an output under data/ of a dvc.yaml stage (reports
aside), or a file under data/. Each needs a record in data/sources/ that covers its path
and passes the schema; the records themselves are checked too.
"""

from collections.abc import Iterator, Sequence
from pathlib import Path

from . import provenance
from ._common import parser, posix, report

NOT_DATA_SETS = ("data/reports/",)


def _is_data_set(path: str) -> bool:
    return path.startswith("data/") and not path.startswith(NOT_DATA_SETS)


def data_paths(filenames: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(data path, the file that adds it) for each data set the files add."""
    import yaml

    for name in filenames:
        path = posix(name)
        if path.suffix == ".dvc" or path.name == "dvc.yaml":
            try:
                document = yaml.safe_load(Path(name).read_text(encoding="utf-8")) or {}
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                yield name, name  # unreadable: reported as lacking a record, with its name
                continue
            if path.suffix == ".dvc":
                outs = [
                    out.get("path", "") for out in document.get("outs", []) if isinstance(out, dict)
                ]
            else:
                outs = [
                    next(iter(out)) if isinstance(out, dict) else out
                    for stage in (document.get("stages") or {}).values()
                    for out in stage.get("outs", [])
                ]
            for out in outs:
                out_path = (path.parent / out).as_posix()
                if _is_data_set(out_path):
                    yield out_path, name
        elif _is_data_set(path.as_posix()) and not provenance.is_data_metadata(path.as_posix()):
            yield path.as_posix(), name


def problems(filenames: Sequence[str]) -> Iterator[str]:
    touched = {posix(name).as_posix() for name in filenames}
    added = list(data_paths(filenames))
    records_dir = provenance.RECORDS_DIR.as_posix() + "/"
    if not added and not any(name.startswith(records_dir) for name in touched):
        return  # nothing to check: spare the schema validator's start-up
    records = provenance.load_records()
    for record in records:
        if record.path.as_posix() in touched:
            yield from record.problems
    valid = [record for record in records if record.valid]
    for data_path, added_by in added:
        if not any(record.covers(data_path) for record in valid):
            via = "" if added_by == data_path else f" (added by {added_by})"
            yield (
                f"{data_path}{via}: no valid provenance record covers it; add "
                f"{provenance.RECORDS_DIR.as_posix()}/<name>.yml listing it under `paths` "
                "(docs/checklists/data-provenance.md)."
            )


def main(argv: Sequence[str] | None = None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    return report(problems(args.filenames))


if __name__ == "__main__":
    raise SystemExit(main())
