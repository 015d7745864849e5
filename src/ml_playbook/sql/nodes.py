"""What dbt builds from a project's sql/: its models (name, layer, file) and the outcome of one
run, and where dbt keeps its own files."""

from dataclasses import dataclass, field
from pathlib import Path

from ..project.paths import SQL_DIR, SQL_LAYER_OUTPUT

# dbt's compiled SQL, logs, partial-parse cache and the local DuckDB file: never in git or DVC.
DBT_TARGET = SQL_DIR / "target"
DUCKDB_DATABASE = DBT_TARGET / "local.duckdb"  # the profile's duckdb target (DBT_DUCKDB_PATH)
RAW_SCHEMA = "raw"  # where the sources are in the engine: {{ source('raw', '<name>') }}


@dataclass(frozen=True)
class SqlModel:
    """A model of sql/: its name, its layer (the folder) and its file, relative to sql/."""

    name: str
    layer: str
    path: Path

    def output(self, root: Path) -> Path:
        """Where the pipeline keeps the model's table in the project at `root`."""
        return root / SQL_LAYER_OUTPUT[self.layer] / f"{self.name}.parquet"


@dataclass(frozen=True)
class DbtRun:
    """What one `dbt build` did: the models it built, each test with the rows it returned, the
    rows of each table written out, and one line per problem."""

    models: list[SqlModel]
    tests: dict[str, int]  # test file -> rows it returned (0: passed; -1: could not run)
    problems: list[str]  # one line per model that failed, test that returned rows, empty table
    rows: dict[str, int] = field(default_factory=dict)  # model -> rows of its table, if written


def model_of(node) -> SqlModel:
    """The model a dbt node (from its parse or run result) stands for."""
    path = Path(node.original_file_path)
    return SqlModel(node.name, path.parts[0], path)
