"""The request and response of `/predict`, built from the training contract: the feature
columns of params.yaml (`train`) with the types and value rules of `data.rules` — the same
declaration the feature table is validated with, so training and serving cannot disagree about
what a valid row is."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, create_model

# Bounds a free-text category, so a request cannot make the service hold huge strings.
MAX_TEXT = 200
# An integer feature is an int64 column wherever it goes (the request log, the feature table):
# a larger one is refused here, naming the field, rather than failing later in the log's write
# or the model's batch.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def feature_fields(params) -> dict[str, tuple[Any, Any]]:
    """name -> (type, Field) for every feature, in the model's column order."""
    from ..data.schema import column_types

    types = column_types(params)
    fields: dict[str, tuple[Any, Any]] = {}
    for name in params.train.features:
        rule = params.data.rules.get(name)
        kind = types[name]
        keywords: dict[str, Any] = {}
        if kind is int and (rule is None or rule.allowed is None):  # a code list is bounded
            keywords["ge"], keywords["le"] = INT64_MIN, INT64_MAX
        if rule is not None and rule.min is not None:
            keywords["ge"] = max(rule.min, keywords.get("ge", rule.min))
        if rule is not None and rule.max is not None:
            keywords["le"] = min(rule.max, keywords.get("le", rule.max))
        if rule is not None and rule.pattern is not None:
            keywords["pattern"] = rule.pattern
        if rule is not None and rule.allowed is not None:
            # A code list is exact: any other value, of any type, is refused.
            annotation: Any = Literal[tuple(rule.allowed)]
        else:
            annotation = kind
            # Strict: "3" is not a number and 3.5 is not a count (a float field still takes 3).
            keywords["strict"] = True
            if kind is float:
                keywords["allow_inf_nan"] = False
            elif kind is str:
                keywords["max_length"] = MAX_TEXT
        fields[name] = (annotation, Field(..., **keywords))
    return fields


class _Strict(BaseModel):
    # Unknown fields are refused: a misspelt feature must not be silently ignored (and an
    # identifier sent by mistake is never taken in, so never logged).
    model_config = ConfigDict(extra="forbid", frozen=True)


def request_model(params, max_rows: int) -> Any:
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


def outside_training_range(
    rows: list[dict[str, Any]], ranges: dict[str, tuple[float, float]]
) -> list[tuple[int, str, str]]:
    """(row number, feature, what is wrong) for each number outside the range the served
    version saw in training (`ranges`): the model would extrapolate there, silently."""
    found = []
    for number, row in enumerate(rows):
        for feature, (low, high) in ranges.items():
            value = row.get(feature)
            if value is None or low <= value <= high:
                continue
            side = "below the smallest" if value < low else "above the largest"
            end = low if value < low else high
            found.append((number, feature, f"{value:g} is {side} value seen in training ({end:g})"))
    return found


def arrow_types(params) -> dict[str, str]:
    """Each feature's Arrow type name (int64, double, string), in order: the request log's
    columns."""
    from ..data.schema import column_types

    names = {int: "int64", float: "double", str: "string"}
    types = column_types(params)
    return {name: names[types[name]] for name in params.train.features}


class ServedModel(BaseModel):
    name: str
    version: str
    alias: str | None


class PredictResponse(BaseModel):
    model: ServedModel
    predictions: list[float]
    # Classification, when the served version records its decision threshold: 1 where the
    # prediction reaches it (act on this row), 0 elsewhere.
    decisions: list[int] | None = None
    threshold: float | None = None
    # Each value outside the range the served version saw in training ("monthly_fee: 1e+308 is
    # above the largest value seen in training (120)"; `rows[3].` first in a batch): answered,
    # but the model extrapolates there. Absent when there is none.
    flags: list[str] | None = None
