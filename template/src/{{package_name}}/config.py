"""Typed pipeline parameters, read from params.yaml and checked before any work starts.

Every stage takes its settings from here; DVC tracks the same file, so a change to a
parameter re-runs exactly the stages that read it.
"""

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import ParamsError
from .paths import project_root

SqlDialect = Literal["duckdb", "bigquery", "snowflake", "postgres", "spark"]


class _Section(BaseModel):
    # Frozen and strict about unknown keys: a typo in params.yaml is an error, not a silent default.
    model_config = ConfigDict(frozen=True, extra="forbid")


class SyntheticParams(_Section):
    """The bundled sample source: how many customers, over how many months."""

    customers: Annotated[int, Field(ge=50, le=1_000_000)] = 2000
    months: Annotated[int, Field(ge=12, le=120)] = 24


class SqlParams(_Section):
    """The SQL models in sql/: the dialect they are written in, and the tables they read."""

    dialect: SqlDialect = "duckdb"
    # source name -> Parquet or CSV file (local runs) read by `{{ source('name') }}`
    sources: dict[str, str]


class FeatureParams(_Section):
    window_months: Annotated[int, Field(ge=1, le=24)] = 3
    horizon_months: Annotated[int, Field(ge=1, le=12)] = 3


class SplitParams(_Section):
    """Time-based split: snapshots from `eval_from_month` on are held out for evaluation."""

    eval_from_month: Annotated[int, Field(ge=1)]


class TrainParams(_Section):
    label: str
    numeric_features: list[str]
    categorical_features: list[str] = []
    model: Literal["hist_gradient_boosting", "random_forest", "linear"]
    hyperparameters: dict[str, float | int | str | bool | None] = {}

    @model_validator(mode="after")
    def _label_is_not_a_feature(self) -> "TrainParams":
        if self.label in self.numeric_features + self.categorical_features:
            raise ValueError(f"the label '{self.label}' is also listed as a feature")
        return self


class EvaluateParams(_Section):
    primary_metric: str
    threshold: Annotated[float, Field(gt=0, lt=1)] = 0.5


class RegistryParams(_Section):
    model_name: str
    # The challenger becomes champion only if it beats the champion by more than this.
    promotion_margin: Annotated[float, Field(ge=0)] = 0.0


class Params(_Section):
    task: Literal["binary_classification", "regression"]
    seed: int = 42
    synthetic: SyntheticParams = SyntheticParams()
    sql: SqlParams
    features: FeatureParams = FeatureParams()
    split: SplitParams
    train: TrainParams
    evaluate: EvaluateParams
    registry: RegistryParams


def load_params(path: Path | None = None, overrides: dict | None = None) -> Params:
    """Read and check params.yaml (default: the project's); dotted `overrides` go on top."""
    path = path or project_root() / "params.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ParamsError(f"{path} not found: run the command from the project folder.") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ParamsError(f"{path} is not valid YAML{where}: fix the syntax.") from None
    if not isinstance(raw, dict):
        raise ParamsError(f"{path} must be a mapping of sections (task, sql, train, ...).")
    for dotted, value in (overrides or {}).items():
        _set_dotted(raw, dotted, value)
    try:
        return Params.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise ParamsError(f"{path.name}: {where}: {first['msg']}{more}.") from None


def _set_dotted(mapping: dict, dotted: str, value: object) -> None:
    *parents, leaf = dotted.split(".")
    for key in parents:
        mapping = mapping.setdefault(key, {})
    mapping[leaf] = value
