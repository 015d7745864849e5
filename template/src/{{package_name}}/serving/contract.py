"""The request and response of `/predict`, built from the training contract: the feature
columns of params.yaml (`train`) with the types and checks of the data schema. Training and
serving read the same two sources, so they cannot disagree about what a valid row is."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, create_model

from ..config import Params

# Bounds a free-text category, so a request cannot make the service hold huge strings.
MAX_TEXT = 200


def _constraints(checks) -> tuple[dict[str, Any], tuple | None]:
    """Field keywords and allowed values from the schema's pandera checks."""
    keywords: dict[str, Any] = {}
    allowed = None
    for check in checks:
        stats = check.statistics or {}
        if check.name == "greater_than_or_equal_to":
            keywords["ge"] = stats["min_value"]
        elif check.name == "greater_than":
            keywords["gt"] = stats["min_value"]
        elif check.name == "less_than_or_equal_to":
            keywords["le"] = stats["max_value"]
        elif check.name == "less_than":
            keywords["lt"] = stats["max_value"]
        elif check.name == "in_range":
            keywords["ge" if stats.get("include_min", True) else "gt"] = stats["min_value"]
            keywords["le" if stats.get("include_max", True) else "lt"] = stats["max_value"]
        elif check.name == "isin":
            allowed = tuple(stats["allowed_values"])
        elif check.name == "str_matches":
            keywords["pattern"] = stats["pattern"]
    return keywords, allowed


def feature_fields(params: Params) -> dict[str, tuple[Any, Any]]:
    """name -> (type, Field) for every feature, in the model's column order."""
    from ..data.schema import feature_schema

    columns = feature_schema(params).columns
    fields: dict[str, tuple[Any, Any]] = {}
    for name in params.train.numeric_features + params.train.categorical_features:
        column = columns[name]
        keywords, allowed = _constraints(column.checks)
        kind = str(column.dtype)
        if allowed is not None:
            annotation: Any = Literal[allowed]
        elif kind.startswith("int"):
            annotation = int
        elif kind.startswith("float"):
            annotation = float
            keywords["allow_inf_nan"] = False
        else:
            annotation = str
            keywords.setdefault("max_length", MAX_TEXT)
        # Strict: "3" is not a number and 3.5 is not a count (a float field still takes 3).
        if allowed is None:
            keywords["strict"] = True
        fields[name] = (annotation, Field(..., **keywords))
    return fields


class _Strict(BaseModel):
    # Unknown fields are refused: a misspelt feature must not be silently ignored (and an
    # identifier sent by mistake is never taken in, so never logged).
    model_config = ConfigDict(extra="forbid", frozen=True)


def request_model(params: Params, max_rows: int) -> Any:
    """The body of /predict: one row (an object of features) or {"rows": [...]} (a batch)."""
    row = create_model("Row", __base__=_Strict, **feature_fields(params))
    batch = create_model(
        "Batch",
        __base__=_Strict,
        rows=(list[row], Field(..., min_length=1, max_length=max_rows)),
    )
    return Annotated[
        Annotated[batch, Tag("batch")] | Annotated[row, Tag("row")],
        Discriminator(
            _shape,
            custom_error_type="invalid_body",
            custom_error_message='the body must be one row (an object of features) or {"rows": [...]}',
        ),
    ]


def _shape(value: Any) -> str | None:
    if isinstance(value, dict):
        return "batch" if "rows" in value else "row"
    if isinstance(value, BaseModel):
        return "batch" if hasattr(value, "rows") else "row"
    return None  # not an object: pydantic reports it with the custom error type


def rows_of(body: BaseModel) -> list[dict[str, Any]]:
    rows = body.rows if hasattr(body, "rows") else [body]
    return [row.model_dump() for row in rows]


class ServedModel(BaseModel):
    name: str
    version: str
    alias: str | None


class PredictResponse(BaseModel):
    model: ServedModel
    predictions: list[float]
