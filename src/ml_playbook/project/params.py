"""The sections of params.yaml the library reads, typed and checked before any work starts.

A project's `config.py` adds its own sections (its synthetic source, feature windows, split) on
top of `PipelineParams`; the whole file is one frozen model, and a typo anywhere is an error,
not a silent default. DVC tracks the same file, so a changed parameter re-runs exactly the
stages that read it.
"""

from pathlib import Path, PurePosixPath
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from ..conventions import SQL_DIALECTS
from ..modeling.metrics import CLASSIFICATION, STANDARD, TASKS
from . import paths

# The engines sql/profiles.yml has a target for: dbt-duckdb comes with the library, the others
# are extras (`ml-playbook[postgres]`, `[spark]`; a project's `uv sync --extra postgres`).
SqlEngine = Literal["duckdb", "postgres", "spark"]
# Set names become MLflow metric prefixes and folder names: keep them plain.
SET_NAME = r"^[a-z][a-z0-9_]{0,39}$"
SQL_MODEL = r"^[a-z][a-z0-9_]*$"


def inside_project(value: str) -> str:
    """A path inside the project, relative to its root: no absolute path, no `..`."""
    parts = PurePosixPath(value).parts
    if not parts or PurePosixPath(value).is_absolute() or ".." in parts:
        raise ValueError(f"'{value}' must be a path inside the project, relative to its root")
    return value


ProjectPath = Annotated[str, AfterValidator(inside_project)]


class Section(BaseModel):
    # Frozen and strict about unknown keys: a typo in params.yaml is an error, not a silent
    # default. Strict about types too: `true` is not a number, "3" is not a count.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class SqlParams(Section):
    """The SQL models in sql/ (a dbt project): the engine dbt runs them on (a target of
    sql/profiles.yml), the warehouse dialect they are translated to, the tables they read, and
    the params.yaml sections they read with `var()`."""

    engine: SqlEngine = "duckdb"
    dialect: Literal[SQL_DIALECTS] = "duckdb"
    # source name -> the Parquet or CSV file the stages load as `{{ source('raw', 'name') }}`
    sources: dict[str, str]
    vars: list[str] = []


class ColumnRule(Section):
    """What a column's values may be: its type, a range, a set of codes or a pattern. The same
    rule checks the feature table (`validate`), the service's requests and the served log."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, populate_by_name=True)

    type: Literal["int", "float", "str"] | None = None
    min: float | None = None
    max: float | None = None
    allowed: Annotated[list[str | int | float] | None, Field(alias="in", min_length=1)] = None
    pattern: str | None = None

    @model_validator(mode="after")
    def _sensible(self) -> "ColumnRule":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        if self.pattern is not None and self.type in ("int", "float"):
            raise ValueError("a pattern applies to text, not to a number")
        return self


class DataParams(Section):
    """The feature table: the SQL model `validate` checks, the columns that key one row (kept
    beside every prediction), the column that orders rows in time (tuning folds), the fewest
    rows it may hold, and the value rules of its columns (a feature without one is checked for
    its type only)."""

    table: Annotated[str, Field(pattern=SQL_MODEL)]
    keys: list[str] = []
    time_column: str | None = None
    min_rows: Annotated[int, Field(ge=1)] = 1  # fewer is a mistake upstream, never a model
    rules: dict[str, ColumnRule] = {}

    @property
    def path(self) -> Path:
        """Where the feature table is written, relative to the project root."""
        return paths.SQL_LAYER_OUTPUT["features"] / f"{self.table}.parquet"


class SearchParams(Section):
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


class TrainParams(Section):
    """The model's inputs (the feature contract every stage, the service and the monitor read)
    and what to train: `model` names one of the project's estimators (its model.py)."""

    label: str
    numeric_features: list[str]
    categorical_features: list[str] = []
    model: str
    hyperparameters: dict[str, float | int | str | bool | None] = {}
    search: SearchParams | None = None  # the grid `tune` searches

    @property
    def features(self) -> list[str]:
        """Every feature, in the order the model reads them."""
        return [*self.numeric_features, *self.categorical_features]

    @model_validator(mode="after")
    def _one_role_per_column(self) -> "TrainParams":
        if not self.features:
            raise ValueError("name at least one feature (numeric_features, categorical_features)")
        repeated = sorted({name for name in self.features if self.features.count(name) > 1})
        if repeated:
            raise ValueError(f"feature(s) {', '.join(repeated)} listed more than once")
        if self.label in self.features:
            raise ValueError(f"the label '{self.label}' is also listed as a feature")
        return self

    @model_validator(mode="after")
    def _features_are_not_request_log_columns(self) -> "TrainParams":
        # The request log writes each feature as a column beside its own: one of the same name
        # would overwrite it, and every write of the log would fail.
        from .request_log_layout import OWN_COLUMNS

        for name in self.features:
            if name in OWN_COLUMNS:
                raise ValueError(
                    f"feature '{name}' has the name of a column of the service's request log "
                    f"({', '.join(OWN_COLUMNS)}); rename the feature"
                )
        return self


class SliceGateParams(Section):
    """Quality on every slice: each slice with enough rows to trust must reach `floor` on
    `metric` (a ceiling when lower is better)."""

    metric: str | None = None  # default: evaluate.primary_metric
    floor: float
    # Classification: a slice is judged only with at least this many rows of each class.
    min_class_rows: Annotated[int, Field(ge=1)] = 10


class InclusionParams(Section):
    """Considerations of inclusion: `metric` may differ across the groups of each `columns`
    (trusted groups only, as for slices) by at most `max_gap`, in the metric's units."""

    columns: Annotated[list[str], Field(min_length=1)]
    metric: str | None = None  # default: evaluate.primary_metric
    max_gap: Annotated[float, Field(ge=0)]
    min_class_rows: Annotated[int, Field(ge=1)] = 10


class OperatingPointParams(Section):
    """How `evaluate` chooses the decision threshold on the primary test set (classification),
    exactly one of: `top_share` (capacity: flag this share of rows, the most likely first; 0.1 =
    the 10% a team can act on), `cost_ratio` (a missed positive costs this many false alarms:
    the threshold of least total cost), `min_precision` (the most recall at this precision at
    least), `min_recall` (the most precision at this recall at least)."""

    top_share: Annotated[float, Field(gt=0, lt=1)] | None = None
    cost_ratio: Annotated[float, Field(gt=0)] | None = None
    min_precision: Annotated[float, Field(gt=0, le=1)] | None = None
    min_recall: Annotated[float, Field(gt=0, le=1)] | None = None

    @model_validator(mode="after")
    def _one_policy(self) -> "OperatingPointParams":
        chosen = [name for name, value in self if value is not None]
        if len(chosen) != 1:
            raise ValueError(
                "give exactly one of top_share, cost_ratio, min_precision, min_recall"
                + (f" (got {', '.join(chosen)})" if chosen else "")
            )
        return self


class EvaluateParams(Section):
    primary_metric: str
    # The decision threshold when no operating_point policy chooses one.
    threshold: Annotated[float, Field(gt=0, lt=1)] = 0.5
    operating_point: OperatingPointParams | None = None
    # A slice with fewer rows is reported with a warning: too few to trust its metrics.
    min_slice_rows: Annotated[int, Field(ge=1)] = 30
    slice_gate: SliceGateParams | None = None
    inclusion: InclusionParams | None = None


class RegistryParams(Section):
    # A registered model's name: letters, digits, '_', '-' and '.' (no '/' or ':', which
    # model URIs use as separators).
    model_name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
    # The challenger becomes champion only if it beats the champion by more than this.
    promotion_margin: Annotated[float, Field(ge=0)] = 0.0


class LaunchParams(Section):
    """The launch criteria the PRD states (docs/team/templates/prd.md): `register` never makes
    a model champion below them, the first model included, and `release promote` refuses it
    unless --force with --reason (kept on the record)."""

    # Test set name -> the least evaluate.primary_metric a model must reach on it (the most,
    # for a metric where lower is better, such as rmse).
    floors: dict[str, float] = {}
    # How far a model must beat the baseline (a one-feature model, trained beside it) on the
    # primary metric on every test set where it is defined, in the metric's units.
    baseline_margin: Annotated[float, Field(ge=0)] = 0.0
    # The test sets the baseline is compared on (default: every one). A dozen hand-made rows
    # cannot judge a ranking: a one-feature rule may order them perfectly, and then no model
    # that ranks one pair otherwise could ever launch.
    # An empty list is refused: a model is compared with the baseline on one set at least.
    baseline_sets: Annotated[list[str], Field(min_length=1)] | None = None


class FeatureBudgetParams(Section):
    """What one feature may cost: the model inputs it becomes once encoded, and the bytes it
    adds to every request row."""

    max_model_inputs: Annotated[int, Field(ge=1)] = 12
    max_bytes_per_row: Annotated[float, Field(gt=0)] = 32


class ReadinessParams(Section):
    """The ML Test Score (`readiness` command): the floor CI holds the project to, and how long
    a manual write-up counts before it must be redone."""

    floor: Annotated[float, Field(ge=0, le=7)] = 0.0
    manual_max_age_days: Annotated[int, Field(ge=1)] = 180


class ServeParams(Section):
    """The web service: where it listens, what it serves, what it logs."""

    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    # The registry alias served; `serve --version N` pins a version instead.
    alias: str = "champion"
    # How often to look up the alias; a moved alias is loaded, then swapped in. 0: never.
    poll_seconds: Annotated[float, Field(ge=0)] = 30.0
    max_batch_rows: Annotated[int, Field(ge=1, le=100_000)] = 1000
    # Share of requests whose inputs and outputs are logged for the monitor (0 to 1).
    log_sample_rate: Annotated[float, Field(ge=0, le=1)] = 0.1
    log_dir: ProjectPath = "logs/requests"
    log_flush_seconds: Annotated[float, Field(gt=0)] = 10.0
    # Log files older than this are deleted (at start, then hourly); at least the monitor's
    # window (monitor.window_days), so the monitor never misses a row it reads.
    log_retention_days: Annotated[float, Field(gt=0)] = 30.0
    # A value outside the range the served version saw in training: "flag" answers it with a
    # flag naming it, "refuse" answers 422; counted in /metrics either way.
    out_of_range: Literal["flag", "refuse"] = "flag"


class ReleaseParams(Section):
    """The promotion rule and the post-deploy check."""

    # Whether `register` may move `champion` itself when a run wins: "local" = only on the
    # embedded store (solo work); against a shared server it only proposes `challenger`, and
    # `release promote` (CI or a named approver) moves champion. "always" / "never" force it.
    auto_promote: Literal["local", "always", "never"] = "local"
    # The committed examples `release verify` replays (the features; a label is ignored).
    verify_examples: ProjectPath = "data/samples/golden.csv"
    # Largest difference allowed between a served and an offline prediction.
    verify_tolerance: Annotated[float, Field(ge=0)] = 1e-9
    # Single-row latency the service must keep while verified (99th percentile).
    verify_max_p99_ms: Annotated[float, Field(gt=0)] = 250.0
    verify_latency_requests: Annotated[int, Field(ge=1, le=10_000)] = 50


class MonitorParams(Section):
    """The monitor: the limit of each rule and where alerts go."""

    # Only log records this recent are read.
    window_days: Annotated[float, Field(gt=0)] = 7.0
    # Below this many served rows, drift is reported as not judged (too few to tell).
    min_rows: Annotated[int, Field(ge=1)] = 200
    # Population stability index per feature and of the predictions: above it, drift.
    # (Common reading: < 0.1 stable, 0.1-0.25 moderate, > 0.25 major.)
    feature_psi_max: Annotated[float, Field(gt=0)] = 0.2
    prediction_psi_max: Annotated[float, Field(gt=0)] = 0.2
    bins: Annotated[int, Field(ge=2, le=100)] = 10
    # Share of requests refused for breaking the input contract (4xx), and failing (5xx).
    invalid_rate_max: Annotated[float, Field(ge=0, le=1)] = 0.05
    error_rate_max: Annotated[float, Field(ge=0, le=1)] = 0.01
    latency_p99_ms_max: Annotated[float, Field(gt=0)] = 250.0
    # Age of the champion (since it was registered) before retraining is due.
    max_model_age_days: Annotated[float, Field(gt=0)] = 90.0
    # Where a tripped rule is posted as JSON (Slack, Teams or any webhook). Empty: none.
    # MONITOR_WEBHOOK_URL, if set, wins: keep secret URLs out of git.
    webhook_url: str = ""
    report_dir: ProjectPath = "reports/monitoring"


class SourceCheckParams(Section):
    """How one source is judged by `data freshness`: the column that dates its rows, how old
    its newest date may be (in days, or in whole months for a monthly export: 1 = the last
    complete month), and the period its rows are counted by for the volume check (none: not
    checked)."""

    time_column: str
    max_lag_days: Annotated[int, Field(ge=0)] | None = None
    max_lag_months: Annotated[int, Field(ge=0)] | None = None
    volume: Literal["day", "week", "month"] | None = None

    @model_validator(mode="after")
    def _one_lag(self) -> "SourceCheckParams":
        if (self.max_lag_days is None) == (self.max_lag_months is None):
            raise ValueError("give exactly one of max_lag_days or max_lag_months")
        return self


class VolumeParams(Section):
    """The newest period's rows against the mean of the `baseline_periods` before it: outside
    [min_ratio, max_ratio] is a truncated or duplicated export."""

    min_ratio: Annotated[float, Field(ge=0)] = 0.8
    max_ratio: Annotated[float, Field(gt=0)] = 1.2
    baseline_periods: Annotated[int, Field(ge=1)] = 3

    @model_validator(mode="after")
    def _sensible(self) -> "VolumeParams":
        if self.min_ratio > self.max_ratio:
            raise ValueError(f"min_ratio {self.min_ratio:g} is above max_ratio {self.max_ratio:g}")
        return self


class DataChecksParams(Section):
    """The alerts on the sources (`data freshness`, scheduled beside the monitor): each source
    of sql.sources named here, and the volume limits they share."""

    sources: dict[str, SourceCheckParams] = {}
    volume: VolumeParams = VolumeParams()


class EvalSet(Section):
    """One test set: the rows of a SQL model in sql/sets/, or a file kept in the project."""

    name: Annotated[str, Field(pattern=SET_NAME)]
    model: Annotated[str, Field(pattern=SQL_MODEL)] | None = None
    file: ProjectPath | None = None
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
        return self

    @property
    def path(self) -> Path:
        """Where the set's rows are, relative to the project root."""
        if self.model is not None:
            return paths.SQL_LAYER_OUTPUT["sets"] / f"{self.model}.parquet"
        return Path(self.file)


DEFAULT_SETS = (
    EvalSet(
        name="eval", model="set_eval", owner="data scientist", description="time-based hold-out"
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


class PipelineParams(Section):
    """Every section the library reads. A project's Params subclass this and add their own."""

    task: Literal[TASKS]
    seed: int = 42
    sql: SqlParams
    data: DataParams
    train: TrainParams
    evaluate: EvaluateParams
    registry: RegistryParams
    # The sets every model is judged on; the first decides the gate.
    test_sets: Annotated[list[EvalSet], AfterValidator(check_sets)] = list(DEFAULT_SETS)
    launch: LaunchParams = LaunchParams()
    serve: ServeParams = ServeParams()
    release: ReleaseParams = ReleaseParams()
    monitor: MonitorParams = MonitorParams()
    readiness: ReadinessParams = ReadinessParams()
    feature_budget: FeatureBudgetParams = FeatureBudgetParams()
    data_checks: DataChecksParams = DataChecksParams()

    @model_validator(mode="after")
    def _metrics_fit_the_task(self, info: ValidationInfo) -> "PipelineParams":
        """Each metric named (the primary one, the gates') is one of the task's: the standard
        metrics and the project's own, which the loader passes as the validation context."""
        known = ((info.context or {}).get("metrics") or STANDARD)[self.task]
        named = {"evaluate.primary_metric": self.evaluate.primary_metric}
        for gate in ("slice_gate", "inclusion"):
            chosen = getattr(self.evaluate, gate)
            if chosen is not None and chosen.metric is not None:
                named[f"evaluate.{gate}.metric"] = chosen.metric
        for setting, metric in named.items():
            if metric not in known:
                raise ValueError(
                    f"{setting} '{metric}' is not a {self.task} metric; use one of "
                    f"{', '.join(known)}"
                )
        return self

    @model_validator(mode="after")
    def _operating_point_is_for_classification(self) -> "PipelineParams":
        if self.evaluate.operating_point is not None and self.task != CLASSIFICATION:
            raise ValueError(
                "evaluate.operating_point chooses a decision threshold: only for "
                "binary_classification; remove it"
            )
        return self

    @model_validator(mode="after")
    def _launch_floors_name_test_sets(self) -> "PipelineParams":
        names = [spec.name for spec in self.test_sets]
        for setting, named in (
            ("floors", self.launch.floors),
            ("baseline_sets", self.launch.baseline_sets or []),
        ):
            unknown = sorted(set(named) - set(names))
            if unknown:
                raise ValueError(
                    f"launch.{setting} names {', '.join(unknown)}, which is not a test set; the "
                    f"test sets are {', '.join(names)}"
                )
        return self

    @model_validator(mode="after")
    def _request_log_outlives_the_monitor_window(self) -> "PipelineParams":
        retention, window = self.serve.log_retention_days, self.monitor.window_days
        if retention < window:
            raise ValueError(
                f"serve.log_retention_days ({retention:g}) is shorter than monitor.window_days "
                f"({window:g}), so the monitor would miss rows it reads; raise the retention "
                "or shorten the window"
            )
        return self

    @model_validator(mode="after")
    def _data_checks_name_sources(self) -> "PipelineParams":
        unknown = sorted(set(self.data_checks.sources) - set(self.sql.sources))
        if unknown:
            raise ValueError(
                f"data_checks.sources names {', '.join(unknown)}, which is not a source of "
                f"sql.sources ({', '.join(self.sql.sources) or 'none'})"
            )
        return self

    @model_validator(mode="after")
    def _sql_vars_are_sections(self) -> "PipelineParams":
        unknown = [
            name for name in self.sql.vars if not isinstance(getattr(self, name, None), BaseModel)
        ]
        if unknown:
            raise ValueError(
                f"sql.vars names {', '.join(unknown)}, which is not a section of params.yaml"
            )
        return self

    def dbt_vars(self) -> dict:
        """The sections the SQL models read with `var()` (sql.vars), as plain values."""
        return {name: getattr(self, name).model_dump() for name in self.sql.vars}
