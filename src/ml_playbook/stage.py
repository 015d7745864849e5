"""What every pipeline stage shares: its declaration (`Stage`), a title and a timing on the
console (`step`), reading the tables earlier stages wrote, and writing its own outputs
atomically (`outputs`).

A stage reads its inputs, calls the library or the team's code, and writes its outputs under
a temporary folder; they are moved into place only when every check has passed. A stage that
fails — a SQL assertion, a schema, an empty result — leaves the previous outputs exactly as
they were, and an empty table is an error, never a success.
"""

import csv
import functools
import importlib
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ProjectError, first_line
from .governance.tables import TABLE_SUFFIXES, is_table, relation_sql
from .project.paths import MODEL

STAGING_PREFIX = ".stage-"  # temporary folders at the project root (.gitignore, .dvcignore)


@dataclass(frozen=True)
class Stage:
    """One stage of the pipeline: `run(project)` does the work; `group` is its command group
    (`data` for `<package> data <name>`), and the first line of `run`'s docstring its help."""

    name: str
    run: Callable[[Any], Any]
    group: str | None = None

    @property
    def command(self) -> str:
        return f"{self.group} {self.name}" if self.group else self.name

    @property
    def summary(self) -> str:
        doc = self.run.__doc__ or importlib.import_module(self.run.__module__).__doc__ or ""
        return doc.strip().split("\n\n")[0].replace("\n", " ")


def console():
    from rich.console import Console

    # soft_wrap: piped output keeps a long step's "done in …" on the step's own line.
    return Console(highlight=False, soft_wrap=True)


@contextmanager
def step(title: str) -> Iterator[None]:
    """Print the stage's title, then how long it took."""
    out = console()
    started = time.perf_counter()
    out.print(f"[bold]{title}[/bold] …")
    yield
    out.print(f"[green]✓[/green] {title} done in {time.perf_counter() - started:.1f} s")


class Outputs:
    """Where a stage writes its declared outputs (files or folders relative to the project
    root): under a temporary folder, until `outputs()` moves them into place."""

    def __init__(self, root: Path, declared: Sequence[Path], staging: Path):
        self.root, self.declared, self.staging = root, [Path(p) for p in declared], staging

    def path(self, relative: Path | str) -> Path:
        """Where to write `relative` (a declared output or a path inside one), its folder made."""
        relative = Path(relative)
        if not any(relative == out or out in relative.parents for out in self.declared):
            raise ValueError(f"{relative} is not an output this stage declares: {self.declared}")
        target = self.staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def json(self, relative: Path | str, data: object) -> None:
        self.path(relative).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    def text(self, relative: Path | str, text: str) -> None:
        self.path(relative).write_text(text, encoding="utf-8")

    def figure(self, relative: Path | str, figure) -> None:
        figure.savefig(self.path(relative), dpi=80)

    def parquet(self, relative: Path | str, frame, empty: str = "") -> None:
        """`frame` as Parquet; an empty one is an error (`empty` says what to check)."""
        if len(frame) == 0:
            raise ProjectError(f"{relative} would have no rows{': ' + empty if empty else ''}")
        frame.to_parquet(self.path(relative), index=False)

    def joblib(self, relative: Path | str, model) -> None:
        import joblib

        joblib.dump(model, self.path(relative))

    def _commit(self) -> list[Path]:
        missing = [out for out in self.declared if not (self.staging / out).exists()]
        if missing:
            raise ProjectError(
                f"the stage wrote no {', '.join(p.as_posix() for p in missing)}: nothing was "
                "replaced"
            )
        replaced = self.staging / ".replaced"
        for out in self.declared:
            target = self.root / out
            target.parent.mkdir(parents=True, exist_ok=True)
            moved_aside = target.is_dir() and not target.is_symlink()
            if moved_aside:
                (replaced / out).parent.mkdir(parents=True, exist_ok=True)
                target.rename(replaced / out)
            try:
                os.replace(self.staging / out, target)
            except OSError as error:
                if moved_aside:  # put the previous folder back before the staging is removed
                    (replaced / out).rename(target)
                raise ProjectError(f"{out.as_posix()} could not be replaced ({error})") from None
        return [self.root / out for out in self.declared]


@contextmanager
def outputs(root: Path, *declared: Path) -> Iterator[Outputs]:
    """A stage's outputs, written under a temporary folder at the project root and moved into
    place (each file or folder with one rename) only when the block ends without an error;
    on an error, nothing the block wrote is kept and the previous outputs stay as they were."""
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        writer = Outputs(root, declared, staging)
        yield writer
        written = writer._commit()
        out = console()
        for path in written:
            out.print(f"  wrote {path.relative_to(root).as_posix()}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def read_parquet(root: Path, path: Path, made_by: str):
    """A table the pipeline wrote; a missing or unreadable one names the stage that makes it."""
    import pandas as pd

    if not (root / path).is_file():
        raise ProjectError(f"{path} does not exist: run `dvc repro {made_by}` first")
    try:
        return pd.read_parquet(root / path)
    except (OSError, ValueError, TypeError) as error:  # pyarrow's errors are among these
        raise ProjectError(
            f"{path} cannot be read as Parquet ({first_line(error, 200)}): make it again with "
            f"`dvc repro --force {made_by}`"
        ) from None


def read_json(root: Path, path: Path, made_by: str):
    """A JSON file the pipeline wrote; a missing or broken one names the stage that makes it."""
    if not (root / path).is_file():
        raise ProjectError(f"{path} does not exist: run `dvc repro {made_by}` first")
    try:
        return json.loads((root / path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ProjectError(
            f"{path} is not readable JSON ({first_line(error, 200)}): make it again with "
            f"`dvc repro --force {made_by}`"
        ) from None


def read_table(path: Path):
    """A CSV, TSV or Parquet file someone hands the CLI (hand-made examples, any data set),
    read by DuckDB, the one reader the PII scan uses too."""
    import duckdb

    if not path.is_file():
        raise ProjectError(f"{path}: no such file; give a CSV or Parquet file")
    if not is_table(path):
        raise ProjectError(f"{path}: unsupported format; give a CSV or Parquet file")
    repeated = sorted(name for name, count in Counter(column_names(path)).items() if count > 1)
    if repeated:
        raise ProjectError(
            f"{path}: the column(s) {', '.join(repeated)} appear more than once; keep one of each"
        )
    try:
        with in_memory_duckdb() as connection:
            return connection.sql(f"select * from {relation_sql(path)}").df()
    except duckdb.Error as error:
        raise ProjectError(f"{path}: not a readable table ({first_line(error, 200)})") from None


@functools.cache
def _in_memory_database():
    import duckdb

    return duckdb.connect()


@contextmanager
def in_memory_duckdb():
    """A DuckDB connection of the caller's own (closed afterwards, safe from any thread) to one
    in-memory database opened once a process: opening one costs tens of milliseconds, more
    than reading a small file. Never DuckDB's module-level connection, which whatever else
    runs in the process shares (it refuses new work while another caller's result is open)."""
    with _in_memory_database().cursor() as connection:
        yield connection


def column_names(path: Path) -> list[str]:
    """The column names as the file writes them (DuckDB renames a repeated one `x_1`, so a
    table would silently hold two versions of a column); [] when the file does not tell."""
    delimiter = TABLE_SUFFIXES.get(path.suffix.lower())
    try:
        if delimiter is None:
            import pyarrow.parquet as pq

            return pq.read_schema(path).names
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as file:
            return next(csv.reader(file, delimiter=delimiter), [])
    except (OSError, ValueError, csv.Error):  # pyarrow's errors are among these; DuckDB says more
        return []


def write_table(path: Path, frame) -> Path:
    """`frame` as Parquet, or as CSV/TSV, by the file's suffix (a file the user named)."""
    if path.is_dir():
        raise ProjectError(f"{path} is a folder: name a .csv or .parquet file to write")
    path.parent.mkdir(parents=True, exist_ok=True)
    delimiter = TABLE_SUFFIXES.get(path.suffix.lower(), ",")
    if delimiter is None:
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, sep=delimiter)
    return path


def load_model(root: Path, path: Path = MODEL):
    """The trained model; a missing file, one that does not load, or one holding something
    other than a model says how to make it again."""
    import joblib

    if not (root / path).is_file():
        raise ProjectError(f"{path} not found: train a model first (`make pipeline`)")
    try:
        model = joblib.load(root / path)
    except Exception as error:  # unpickling raises what the bytes make it raise: name the file
        raise ProjectError(
            f"{path} does not load as a model ({type(error).__name__}: {first_line(error, 200)}): "
            "train it again (`dvc repro --force train`), or name another with --model"
        ) from None
    if not callable(getattr(model, "predict", None)):
        raise ProjectError(
            f"{path} holds a {type(model).__name__}, not a model with predict(): train it again "
            "(`dvc repro --force train`), or name another with --model"
        )
    return model
