"""The test-set registry: the data sets every model is judged on, declared in params.yaml
`test_sets` (name, where its rows come from, the columns to slice by, its owner).

The first set is the primary one: its metrics sit at the top of reports/metrics.json and decide
champion vs challenger. `evaluate`, `register` and every `eval` command run on all of them.
This module imports only pydantic at the top: config.py reads `EvalSet` when params load.
"""

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import ProjectError
from ..paths import SQL_LAYER_OUTPUT

# Set names become MLflow metric prefixes and folder names: keep them plain.
SET_NAME = r"^[a-z][a-z0-9_]{0,39}$"


class EvalSet(BaseModel):
    """One test set: the rows of a SQL model in sql/sets/, or a file kept in the project."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(pattern=SET_NAME)]
    model: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] | None = None
    file: str | None = None
    slices: list[str] = []
    owner: str
    description: str = ""

    @model_validator(mode="after")
    def _one_source(self) -> "EvalSet":
        if (self.model is None) == (self.file is None):
            raise ValueError(
                f"test set '{self.name}' needs exactly one of `model` (a SQL model in "
                "sql/sets/) or `file` (a CSV or Parquet file in the project)"
            )
        if self.file is not None:
            parts = PurePosixPath(self.file).parts
            if not parts or PurePosixPath(self.file).is_absolute() or ".." in parts:
                raise ValueError(
                    f"test set '{self.name}': file '{self.file}' must be a path inside the "
                    "project, relative to its root"
                )
        return self

    @property
    def path(self) -> Path:
        """Where the set's rows are, relative to the project root."""
        if self.model is not None:
            return SQL_LAYER_OUTPUT["sets"] / f"{self.model}.parquet"
        return Path(self.file)


DEFAULT_SETS = (
    EvalSet(
        name="eval",
        model="set_eval",
        owner="data scientist",
        description="time-based hold-out",
    ),
)


def check_sets(sets: list[EvalSet]) -> list[EvalSet]:
    """At least one set, each name once (params validation calls this)."""
    if not sets:
        raise ValueError("test_sets must declare at least one set (the first is the primary)")
    names = [spec.name for spec in sets]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"test_sets: the name(s) {', '.join(repeated)} are used more than once")
    return sets


def select(sets: list[EvalSet], names: list[str] | None) -> list[EvalSet]:
    """The sets called `names` (all when none are given); an unknown name is an error."""
    if not names:
        return list(sets)
    known = {spec.name: spec for spec in sets}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ProjectError(
            f"no test set named {', '.join(unknown)}: params.yaml test_sets has {', '.join(known)}"
        )
    return [known[name] for name in names]


def read_set(root: Path, spec: EvalSet):
    """The set's rows; a missing file says what makes it."""
    from ..stages import read_parquet, read_table

    if spec.model is not None:
        return read_parquet(root, spec.path, "split")
    if not (root / spec.path).is_file():
        raise ProjectError(
            f"test set '{spec.name}': {spec.path} not found; fix `file` in params.yaml test_sets"
        )
    return read_table(root / spec.path)


@dataclass
class SetScores:
    """A model's scores on one test set, beside the rows and labels they were made for."""

    spec: EvalSet
    frame: object  # the set's rows (pandas DataFrame)
    label: object  # pandas Series
    scores: object  # numpy array: probabilities (classification) or values (regression)
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.frame)


def defined_metrics(task: str, label, scores, threshold: float) -> dict[str, float]:
    """Every metric of `task` that is defined on these rows (ROC AUC needs both classes, say),
    rounded for reports that diff cleanly."""
    import math
    import warnings

    from ..models.metrics import METRICS, compute_metric

    values = {}
    for name in METRICS[task]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sklearn warns, then returns nan, on one class
            try:
                value = compute_metric(task, name, label, scores, threshold)
            except ValueError:
                continue
        if math.isfinite(value):
            values[name] = round(value, 6)
    return values


def score_set(root: Path, params, model, spec: EvalSet) -> SetScores:
    """The model's scores and metrics on one test set."""
    from ..models import inputs
    from ..models.metrics import model_scores

    frame = read_set(root, spec)
    missing = [column for column in spec.slices if column not in frame.columns]
    if missing:
        raise ProjectError(
            f"test set '{spec.name}' has no column(s) {', '.join(missing)} to slice by: "
            "fix its `slices` in params.yaml test_sets"
        )
    label = inputs.label(frame, params.train)
    scores = model_scores(model, inputs.features(frame, params.train), params.task)
    result = SetScores(spec, frame, label, scores)
    result.metrics = defined_metrics(params.task, label, scores, params.evaluate.threshold)
    return result


def metrics_document(results: list[SetScores]) -> dict:
    """reports/metrics.json: the primary set's metrics at the top (what the registry gate and
    `dvc metrics diff` have always read), and every set under `sets`."""
    primary = results[0]
    return {
        "rows": primary.rows,
        **primary.metrics,
        "sets": {result.spec.name: {"rows": result.rows, **result.metrics} for result in results},
    }


def logged_metrics(document: dict) -> dict[str, float]:
    """The metrics a run logs to MLflow from reports/metrics.json: the primary set's under
    their own names, each set's as `<set>.<metric>` (and `<set>.rows`)."""
    flat = {
        name: value
        for name, value in document.items()
        if name not in {"rows", "sets"} and isinstance(value, int | float)
    }
    for set_name, values in document.get("sets", {}).items():
        flat.update({f"{set_name}.{name}": value for name, value in values.items()})
    return flat
