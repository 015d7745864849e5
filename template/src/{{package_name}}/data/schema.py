"""The contract of the feature table, checked with pandera: the columns params.yaml `train`
names (features and label) plus the keys of a row, with their types and allowed values.

The columns follow params.yaml: list a new feature under `train.numeric_features` or
`train.categorical_features` (after adding it to sql/features/) and it is checked as a number
or a category. To check its values too (a range, a set of codes), add a rule to `RULES`.
"""

import pandas as pd
import pandera.pandas as pa

from ..config import Params
from ..errors import ProjectError

FEATURE_TABLE = "feat_customer_month"
KEYS = ("customer_id", "snapshot_month")  # one row per customer and month

_non_negative = pa.Check.ge(0)
# Value rules of the bundled columns: (type, checks). A column not listed here is checked
# for its type only: numbers for numeric features, text for categorical ones.
RULES: dict[str, tuple[type, list[pa.Check]]] = {
    "customer_id": (int, []),
    "snapshot_month": (int, [_non_negative]),
    "plan": (str, [pa.Check.isin(["basic", "standard", "premium"])]),
    "country": (str, [pa.Check.str_matches(r"^[A-Z]{2}$")]),
    "acquisition_channel": (str, []),
    "monthly_fee": (float, [_non_negative]),
    "tenure_months": (int, [_non_negative]),
    "age_years": (int, [pa.Check.in_range(14, 110)]),
    "sessions_window": (int, [_non_negative]),
    "support_tickets_window": (int, [_non_negative]),
    "late_payments_window": (int, [_non_negative]),
    "avg_spend_window": (float, [_non_negative]),
    "churned": (int, [pa.Check.isin([0, 1])]),
    "future_spend": (float, [_non_negative]),
}


def _column(name: str, default: tuple[type, list[pa.Check]]) -> pa.Column:
    kind, checks = RULES.get(name, default)
    return pa.Column(kind, checks)


def feature_schema(params: Params) -> pa.DataFrameSchema:
    """The schema of the columns `params` uses; other columns of the table pass through."""
    train = params.train
    label_rule = (
        (int, [pa.Check.isin([0, 1])]) if params.task == "binary_classification" else (float, [])
    )
    columns = {name: _column(name, (int, [])) for name in KEYS}
    columns |= {name: _column(name, (float, [])) for name in train.numeric_features}
    columns |= {name: _column(name, (str, [])) for name in train.categorical_features}
    columns[train.label] = _column(train.label, label_rule)
    return pa.DataFrameSchema(
        columns, unique=list(KEYS), coerce=True, strict=False, name=FEATURE_TABLE
    )


def validate(frame: pd.DataFrame, params: Params) -> pd.DataFrame:
    """The frame, coerced to the schema's types; an error naming each failing column."""
    try:
        # A fresh index: pandera reports rows by index, and a repeated one breaks its report.
        return feature_schema(params).validate(frame.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as errors:
        raise ProjectError(*_summarise(errors.failure_cases)) from None


def _summarise(failures: pd.DataFrame) -> list[str]:
    problems = []
    for (column, check), rows in failures.groupby(["column", "check"], dropna=False, sort=True):
        example = rows["failure_case"].iloc[0]
        example = example.item() if hasattr(example, "item") else example  # numpy -> Python
        if check == "column_in_dataframe":
            problems += [
                f"{FEATURE_TABLE} has no column '{name}', which params.yaml train names: "
                "add it to sql/features/ or take it out of params.yaml"
                for name in rows["failure_case"]
            ]
            continue
        where = f"column '{column}'" if isinstance(column, str) else FEATURE_TABLE
        problems.append(f"{where}: {len(rows)} value(s) fail {check} (e.g. {example!r})")
    return problems
