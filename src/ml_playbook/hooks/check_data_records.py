"""check-data-records: no data set enters git without a valid provenance record.

A data set is what a `.dvc` file tracks, an output under data/ of a dvc.yaml stage (reports
aside), or a file under data/. Each needs a record in data/sources/ that covers its path
and passes the schema; the records themselves are checked too. A malformed dvc.yaml, .dvc
file or record is a one-line problem naming the file and what is wrong, and the other
files are still checked.
"""

from collections.abc import Iterator, Sequence

from ..files import Note, NotRegular, Skip, clip, posix, read_text, shown
from ..governance import provenance
from ._cli import parse, parser, report

NOT_DATA_SETS = ("data/reports/",)
MAX_BYTES = 2 * 1024 * 1024  # DVC files are pages of YAML, not megabytes


class Malformed(Exception):
    """What is wrong with a DVC file, in one line (without the file's name)."""


def _is_data_set(path: str) -> bool:
    return path.startswith("data/") and not path.startswith(NOT_DATA_SETS)


def _dvc_file_outs(document: object) -> list[str]:
    """The paths a .dvc file tracks: `outs: [{path: ...}, ...]`."""
    if not isinstance(document, dict):
        raise Malformed("a .dvc file must be a mapping with `outs: [{path: ...}]`")
    outs = document.get("outs", [])
    if not isinstance(outs, list):
        raise Malformed("`outs` must be a list of `{path: ...}` entries")
    paths = [out.get("path") if isinstance(out, dict) else None for out in outs]
    if not all(isinstance(path, str) and path for path in paths):
        raise Malformed("every entry of `outs` needs a `path` that is a file name")
    return paths


def _stage_outs(document: object) -> list[str]:
    """The outputs of every stage of a dvc.yaml: `stages: {name: {outs: [path | {path: {...}}]}}`."""
    if document is None:
        return []  # an empty dvc.yaml declares nothing
    if not isinstance(document, dict):
        raise Malformed("a dvc.yaml must be a mapping with `stages: {name: {cmd, deps, outs}}`")
    stages = document.get("stages")
    if stages is None:
        return []
    if not isinstance(stages, dict):
        raise Malformed("`stages` must be a mapping of stage names to stages (cmd, deps, outs)")
    paths = []
    for stage_name, stage in stages.items():
        stage_label = f"stage '{clip(str(stage_name))}'"
        if stage is None:
            raise Malformed(f"{stage_label} has no body; give it a `cmd` (and `deps`, `outs`)")
        if not isinstance(stage, dict):
            raise Malformed(f"{stage_label} must be a mapping of `cmd`, `deps`, `outs`")
        if "outs" not in stage:
            continue
        outs = stage["outs"]
        if not isinstance(outs, list) or not outs:
            raise Malformed(
                f"{stage_label}: `outs` is empty or not a list; list the stage's outputs"
            )
        for out in outs:
            if isinstance(out, dict) and len(out) == 1:
                out, options = next(iter(out.items()))
                if not (options is None or isinstance(options, dict)):
                    out = None
            if not (isinstance(out, str) and out):
                raise Malformed(
                    f"{stage_label}: every entry of `outs` must be a path, or `path: {{options}}`"
                )
            paths.append(out)
    return paths


def declared_outs(name: str) -> list[str]:
    """The data paths a .dvc file or dvc.yaml declares, relative to the project."""
    from ..governance import safe_yaml  # imports yaml: only when a DVC file is passed

    text = read_text(name, MAX_BYTES)
    if text is None:
        raise Skip(f"{shown(name)}: a binary file, not a DVC file.")
    try:
        document = safe_yaml.load(text)
        outs = _dvc_file_outs(document) if name.endswith(".dvc") else _stage_outs(document)
    except safe_yaml.Refused as error:
        raise Skip(f"{shown(name)}: {error}; fix it.") from None
    except Malformed as error:
        raise Skip(f"{shown(name)}: {error}.") from None
    folder = posix(name).parent
    return [(folder / out).as_posix() for out in outs]


def data_paths(filenames: Sequence[str]) -> Iterator[tuple[str, str] | str]:
    """(data path, the file that adds it) for each data set the files add, or a line saying
    why a DVC file cannot be read (a Note if it is not a regular file)."""
    for name in filenames:
        path = posix(name)
        if path.suffix == ".dvc" or path.name == "dvc.yaml":
            try:
                outs = declared_outs(name)
            except NotRegular as skipped:
                yield Note(skipped)
                continue
            except Skip as unreadable:
                yield str(unreadable)
                continue
            yield from ((out, name) for out in outs if _is_data_set(out))
        elif _is_data_set(path.as_posix()) and not provenance.is_data_metadata(path.as_posix()):
            yield path.as_posix(), name


def problems(filenames: Sequence[str]) -> Iterator[str]:
    touched = {posix(name).as_posix() for name in filenames}
    added = []
    for found in data_paths(filenames):
        if isinstance(found, str):
            yield found
        else:
            added.append(found)
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
            # A path read from a DVC file is content: cut it to one short line.
            shown_path = shown(data_path) if added_by == data_path else clip(data_path, 200)
            via = "" if added_by == data_path else f" (added by {shown(added_by)})"
            yield (
                f"{shown_path}{via}: no valid provenance record covers it; add "
                f"{provenance.RECORDS_DIR.as_posix()}/<name>.yml listing it under `paths` "
                "(docs/checklists/data-provenance.md)."
            )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(parser(__doc__.splitlines()[0]), argv)
    return report(problems(args.filenames))


if __name__ == "__main__":
    raise SystemExit(main())
