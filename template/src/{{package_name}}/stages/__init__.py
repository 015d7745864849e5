"""The pipeline's stages, one module each: read the inputs, call the core (data/, models/,
governance/), write the outputs. The core takes data and returns data; the only other code
that touches storage is the adapters whose job it is: data/sql_project.py (dbt on the SQL
engine, and the tables it builds) and models/registry.py (MLflow).

Each module has `INPUTS` and `OUTPUTS` (paths from paths.py; dvc.yaml declares the same) and
`run(root, params) -> list[Path]`. It imports pandas, scikit-learn or MLflow only if it uses
them: DVC runs every stage in a process of its own, and imports cost seconds.
"""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from ..errors import ProjectError
from ..paths import MODEL

console = Console(highlight=False)


@contextmanager
def step(title: str) -> Iterator[None]:
    """Print the stage's title, then how long it took."""
    started = time.perf_counter()
    console.print(f"[bold]{title}[/bold] …")
    yield
    console.print(f"[green]✓[/green] {title} done in {time.perf_counter() - started:.1f} s")


def wrote(root: Path, paths: list[Path]) -> list[Path]:
    for path in paths:
        console.print(f"  wrote {path.relative_to(root)}")
    return paths


def new_file(path: Path) -> Path:
    """`path`, its folder created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_json(path: Path, data: object) -> Path:
    new_file(path).write_text(json.dumps(data, indent=2) + "\n")
    return path


def write_figure(path: Path, figure) -> Path:
    figure.savefig(new_file(path), dpi=80)
    return path


def write_parquet(path: Path, frame) -> Path:
    frame.to_parquet(new_file(path), index=False)
    return path


def read_parquet(root: Path, path: Path, made_by: str):
    """A table the pipeline wrote; a missing one names the stage that makes it."""
    import pandas as pd

    if not (root / path).is_file():
        raise ProjectError(f"{path} does not exist: run `dvc repro {made_by}` first")
    return pd.read_parquet(root / path)


def read_table(path: Path):
    """A CSV, TSV or Parquet file someone hands the CLI (hand-crafted examples, any data set),
    read by DuckDB through ml_playbook.tables, the one reader the PII scan uses too."""
    import duckdb
    from ml_playbook.tables import is_table, relation_sql

    if not path.is_file():
        raise ProjectError(f"{path}: no such file; give a CSV or Parquet file")
    if not is_table(path):
        raise ProjectError(f"{path}: unsupported format; give a CSV or Parquet file")
    try:
        return duckdb.connect().sql(f"select * from {relation_sql(path)}").df()
    except duckdb.Error as error:
        raise ProjectError(f"{path}: not a readable table ({str(error).splitlines()[0]})") from None


def write_table(path: Path, frame) -> Path:
    """`frame` as Parquet, or as CSV/TSV, by the file's suffix."""
    from ml_playbook.tables import TABLE_SUFFIXES

    delimiter = TABLE_SUFFIXES.get(path.suffix.lower(), ",")
    if delimiter is None:
        return write_parquet(path, frame)
    frame.to_csv(new_file(path), index=False, sep=delimiter)
    return path


def load_model(root: Path, path: Path = MODEL):
    """The trained model; a missing file says how to make it."""
    import joblib

    if not (root / path).is_file():
        raise ProjectError(f"{path} not found: train a model first (`make pipeline`)")
    return joblib.load(root / path)
