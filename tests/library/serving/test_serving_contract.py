"""The request contract comes from params.yaml alone: each feature's type and value rule
(`data.rules`) become the fields of /predict's body, strict about types, closed to unknown
fields, one row or {"rows": [...]}, and the request log's columns follow the same types."""

import pytest
from pydantic import TypeAdapter, ValidationError

from ml_playbook.serving.contract import MAX_TEXT, arrow_types, request_model, rows_of
from tests.library.factory import params_dict, write_project

ROW = {
    "monthly_fee": 9.0,
    "tenure_months": 3,
    "sessions_window": 4,
    "support_tickets_window": 0,
    "plan": "basic",
    "country": "KR",
}


def body_of(project, max_rows: int = 3) -> TypeAdapter:
    return TypeAdapter(request_model(project.params, max_rows))


def problems(adapter: TypeAdapter, body) -> set[tuple[str, str]]:
    """(where, error type) of each problem pydantic finds in `body`: `row.plan`, `batch.rows.1`."""
    with pytest.raises(ValidationError) as refused:
        adapter.validate_python(body)
    return {(".".join(map(str, e["loc"])), e["type"]) for e in refused.value.errors()}


def test_a_row_and_a_batch_are_read_as_rows_in_the_models_column_order(project):
    adapter = body_of(project)

    one = rows_of(adapter.validate_python(dict(reversed(ROW.items()))))
    batch = rows_of(adapter.validate_python({"rows": [ROW, ROW]}))

    assert one == [ROW]
    assert list(one[0]) == project.params.train.features
    assert batch == [ROW, ROW]


def test_a_whole_number_is_taken_for_a_decimal_feature_as_a_float(project):
    row = rows_of(body_of(project).validate_python({**ROW, "monthly_fee": 9}))[0]

    assert row["monthly_fee"] == 9.0
    assert isinstance(row["monthly_fee"], float)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"tenure_months": "3"}, "int_type"),  # text is not a count
        ({"tenure_months": 3.5}, "int_type"),  # nor is a fraction
        ({"tenure_months": True}, "int_type"),  # nor a yes
        ({"monthly_fee": "9.0"}, "float_type"),
        ({"monthly_fee": float("nan")}, "finite_number"),
        ({"country": 7}, "string_type"),
    ],
)
def test_types_are_strict(project, change, error):
    field = next(iter(change))

    assert problems(body_of(project), {**ROW, **change}) == {(f"row.{field}", error)}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"tenure_months": -1}, "greater_than_equal"),  # rule min 0
        ({"monthly_fee": -0.5}, "greater_than_equal"),
        ({"plan": "platinum"}, "literal_error"),  # rule in: the codes
        ({"country": "Korea"}, "string_pattern_mismatch"),  # rule pattern
    ],
)
def test_the_value_rules_of_params_are_the_fields_bounds_codes_and_patterns(project, change, error):
    field = next(iter(change))

    assert problems(body_of(project), {**ROW, **change}) == {(f"row.{field}", error)}


def test_a_maximum_of_the_rules_bounds_the_field(tmp_path):
    data = params_dict()["data"]
    data["rules"]["tenure_months"] = {"type": "int", "min": 0, "max": 600}
    project = write_project(tmp_path / "project", data=data)

    assert problems(body_of(project), {**ROW, "tenure_months": 601}) == {
        ("row.tenure_months", "less_than_equal")
    }
    assert rows_of(body_of(project).validate_python({**ROW, "tenure_months": 600}))


def test_a_feature_without_a_rule_is_checked_for_its_type_and_bounded_text(tmp_path):
    # Given params with no rule for country, the open category
    data = params_dict()["data"]
    del data["rules"]["country"]
    project = write_project(tmp_path / "project", data=data)
    adapter = body_of(project)

    # Then any short text is taken, and text longer than MAX_TEXT is refused
    assert rows_of(adapter.validate_python({**ROW, "country": "Atlantis"}))
    assert problems(adapter, {**ROW, "country": "x" * (MAX_TEXT + 1)}) == {
        ("row.country", "string_too_long")
    }


def test_numeric_codes_take_exactly_their_values(tmp_path):
    data = params_dict()["data"]
    data["rules"]["support_tickets_window"] = {"type": "int", "in": [0, 1, 2]}
    project = write_project(tmp_path / "project", data=data)

    assert rows_of(body_of(project).validate_python({**ROW, "support_tickets_window": 2}))
    assert problems(body_of(project), {**ROW, "support_tickets_window": 3}) == {
        ("row.support_tickets_window", "literal_error")
    }
    assert problems(body_of(project), {**ROW, "support_tickets_window": "2"}) == {
        ("row.support_tickets_window", "literal_error")
    }


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ({**ROW, "customer_id": 100001}, {("row.customer_id", "extra_forbidden")}),
        ({k: v for k, v in ROW.items() if k != "plan"}, {("row.plan", "missing")}),
        ({"rows": []}, {("batch.rows", "too_short")}),
        ({"rows": [ROW] * 4}, {("batch.rows", "too_long")}),
        ({"rows": [ROW, 7]}, {("batch.rows.1", "model_type")}),
        ({"rows": [ROW], "extra": 1}, {("batch.extra", "extra_forbidden")}),
        ([ROW], {("", "invalid_body")}),
    ],
    ids=["unknown field", "missing", "empty", "too many", "not a row", "beside rows", "list"],
)
def test_a_body_is_one_row_or_a_batch_of_rows_and_nothing_else(project, body, found):
    assert problems(body_of(project), body) == found


def test_the_request_logs_columns_have_each_features_type(tmp_path):
    data = params_dict()["data"]
    data["rules"]["support_tickets_window"] = {"type": "int", "in": [0, 1, 2]}
    project = write_project(tmp_path / "project", data=data)

    assert arrow_types(project.params) == {
        "monthly_fee": "double",
        "tenure_months": "int64",
        "sessions_window": "int64",
        "support_tickets_window": "int64",
        "plan": "string",
        "country": "string",
    }
