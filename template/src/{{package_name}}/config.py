"""Typed pipeline parameters, read from params.yaml and checked before any work starts.

Every stage takes its settings from here; DVC tracks the same file, so a change to a
parameter re-runs exactly the stages that read it.
"""

from pathlib import Path
from typing import Annotated, Literal

from ml_playbook.conventions import SQL_DIALECTS
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import ProjectError
from .evaluation import custom_metrics  # noqa: F401 (registers the project's own metrics)
from .evaluation.sets import DEFAULT_SETS, EvalSet, check_sets
from .models.metrics import METRICS
from .monitoring.settings import MonitorParams
from .paths import PARAMS, project_root
from .release.settings import ReleaseParams
from .serving.settings import ServeParams

SqlDialect = Literal[SQL_DIALECTS]
# The engines sql/profiles.yml has a target for: dbt-duckdb is installed, the others are
# extras of the project (`uv sync --extra postgres`, `--extra spark`).
SqlEngine = Literal["duckdb", "postgres", "spark"]


class _Section(BaseModel):
    # Frozen and strict about unknown keys: a typo in params.yaml is an error, not a silent default.
    model_config = ConfigDict(frozen=True, extra="forbid")


class SyntheticParams(_Section):
    """The bundled sample source: how many customers, over how many months."""

    customers: Annotated[int, Field(ge=50, le=1_000_000)] = 2000
    months: Annotated[int, Field(ge=12, le=120)] = 24


class SqlParams(_Section):
    """The SQL models in sql/ (a dbt project): the engine dbt runs them on (a target of
    sql/profiles.yml), the warehouse dialect they are translated to, and the tables they read."""

    engine: SqlEngine = "duckdb"
    dialect: SqlDialect = "duckdb"
    # source name -> the Parquet or CSV file the stages load as `{{ source('raw', 'name') }}`
    sources: dict[str, str]


class FeatureParams(_Section):
    window_months: Annotated[int, Field(ge=1, le=24)] = 3
    horizon_months: Annotated[int, Field(ge=1, le=12)] = 3


class SplitParams(_Section):
    """Time-based split: snapshots from `eval_from_month` on are held out for evaluation."""

    eval_from_month: Annotated[int, Field(ge=1)]


class SearchParams(_Section):
    """Hyperparameter tuning (`tune`): the values to try, the time-ordered folds of the training
    set to score them on, and how far below the best the configured values may score."""

    grid: dict[str, Annotated[list[float | int | str | bool | None], Field(min_length=1)]]
    folds: Annotated[int, Field(ge=2, le=20)] = 3
    tolerance: Annotated[float, Field(ge=0)] = 0.02

    @model_validator(mode="after")
    def _grid_is_not_empty(self) -> "SearchParams":
        if not self.grid:
            raise ValueError("grid must name at least one hyperparameter and its values")
        return self


class TrainParams(_Section):
    label: str
    numeric_features: list[str]
    categorical_features: list[str] = []
    model: Literal["hist_gradient_boosting", "random_forest", "linear"]
    hyperparameters: dict[str, float | int | str | bool | None] = {}
    search: SearchParams | None = None  # the grid `tune` searches (models/tuning.py)

    @model_validator(mode="after")
    def _label_is_not_a_feature(self) -> "TrainParams":
        if self.label in self.numeric_features + self.categorical_features:
            raise ValueError(f"the label '{self.label}' is also listed as a feature")
        return self


class SliceGateParams(_Section):
    """Quality on every slice (evaluation/slices.py): each slice with enough rows to trust must
    reach `floor` on `metric` (a ceiling when lower is better)."""

    metric: str | None = None  # default: evaluate.primary_metric
    floor: float
    # Classification: a slice is judged only with at least this many rows of each class.
    min_class_rows: Annotated[int, Field(ge=1)] = 10


class InclusionParams(_Section):
    """Considerations of inclusion: `metric` may differ across the groups of each `columns`
    (trusted groups only, as for slices) by at most `max_gap`, in the metric's units."""

    columns: Annotated[list[str], Field(min_length=1)]
    metric: str | None = None  # default: evaluate.primary_metric
    max_gap: Annotated[float, Field(ge=0)]
    min_class_rows: Annotated[int, Field(ge=1)] = 10


class EvaluateParams(_Section):
    primary_metric: str
    threshold: Annotated[float, Field(gt=0, lt=1)] = 0.5
    # A slice with fewer rows is reported with a warning: too few to trust its metrics.
    min_slice_rows: Annotated[int, Field(ge=1)] = 30
    slice_gate: SliceGateParams | None = None
    inclusion: InclusionParams | None = None


class RegistryParams(_Section):
    model_name: str
    # The challenger becomes champion only if it beats the champion by more than this.
    promotion_margin: Annotated[float, Field(ge=0)] = 0.0


class FeatureBudgetParams(_Section):
    """What one feature may cost (models/feature_costs.py): the model inputs it becomes once
    encoded, and the bytes it adds to every request row."""

    max_model_inputs: Annotated[int, Field(ge=1)] = 12
    max_bytes_per_row: Annotated[float, Field(gt=0)] = 32


class ReadinessParams(_Section):
    """The ML Test Score (`readiness` command): the floor CI holds the project to, and how long
    a manual write-up counts before it must be redone."""

    floor: Annotated[float, Field(ge=0, le=7)] = 0.0
    manual_max_age_days: Annotated[int, Field(ge=1)] = 180


class Params(_Section):
    task: Literal[tuple(METRICS)]
    seed: int = 42
    synthetic: SyntheticParams = SyntheticParams()
    sql: SqlParams
    features: FeatureParams = FeatureParams()
    split: SplitParams
    train: TrainParams
    evaluate: EvaluateParams
    registry: RegistryParams
    # The sets every model is judged on (evaluation/sets.py); the first decides the gate.
    test_sets: Annotated[list[EvalSet], AfterValidator(check_sets)] = list(DEFAULT_SETS)
    serve: ServeParams = ServeParams()
    release: ReleaseParams = ReleaseParams()
    monitor: MonitorParams = MonitorParams()
    readiness: ReadinessParams = ReadinessParams()
    feature_budget: FeatureBudgetParams = FeatureBudgetParams()

    @model_validator(mode="after")
    def _primary_metric_fits_the_task(self) -> "Params":
        known = METRICS[self.task]
        if self.evaluate.primary_metric not in known:
            raise ValueError(
                f"evaluate.primary_metric '{self.evaluate.primary_metric}' is not a {self.task} "
                f"metric; use one of {', '.join(known)}"
            )
        return self

    @model_validator(mode="after")
    def _request_log_outlives_the_monitor_window(self) -> "Params":
        retention, window = self.serve.log_retention_days, self.monitor.window_days
        if retention < window:
            raise ValueError(
                f"serve.log_retention_days ({retention:g}) is shorter than monitor.window_days "
                f"({window:g}), so the monitor would miss rows it reads; raise the retention "
                "or shorten the window"
            )
        return self


def load_params(path: Path | None = None, overrides: dict | None = None) -> Params:
    """Read and check params.yaml (default: the project's); dotted `overrides` go on top."""
    from ml_playbook import safe_yaml

    path = path or project_root() / PARAMS
    try:
        raw = safe_yaml.load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ProjectError(f"{path} not found: run the command from the project folder.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProjectError(
            f"{path} cannot be read as UTF-8 text ({error.__class__.__name__})."
        ) from None
    except safe_yaml.Refused as error:
        raise ProjectError(f"{path}: {error}; fix the syntax.") from None
    if not isinstance(raw, dict):
        raise ProjectError(f"{path} must be a mapping of sections (task, sql, train, ...).")
    for dotted, value in (overrides or {}).items():
        _set_dotted(raw, dotted, value)
    try:
        return Params.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = "".join(f"{part}: " for part in [".".join(map(str, first["loc"]))] if part)
        message = first["msg"].removeprefix("Value error, ")
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise ProjectError(f"{path.name}: {where}{message}{more}.") from None


def _set_dotted(mapping: dict, dotted: str, value: object) -> None:
    *parents, leaf = dotted.split(".")
    for key in parents:
        mapping = mapping.setdefault(key, {})
        if not isinstance(mapping, dict):
            raise ProjectError(f"cannot set {dotted}: {key} is not a section of params.yaml.")
    mapping[leaf] = value
