"""The contract of the feature table: column types and allowed values, checked with pandera.

Adding a feature or changing the label is two edits: its column here, and its name in
params.yaml (`train`). `check_params_against_schema` catches the second without the first.
"""

import pandas as pd
import pandera.pandas as pa

from ..config import Params
from ..errors import DataSchemaError

FEATURE_TABLE = "feat_customer_month"


def feature_schema() -> pa.DataFrameSchema:
    non_negative = pa.Check.ge(0)
    return pa.DataFrameSchema(
        {
            "customer_id": pa.Column(int),
            "snapshot_month": pa.Column(int, non_negative),
            "plan": pa.Column(str, pa.Check.isin(["basic", "standard", "premium"])),
            "country": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2}$")),
            "acquisition_channel": pa.Column(str),
            "monthly_fee": pa.Column(float, non_negative),
            "tenure_months": pa.Column(int, non_negative),
            "age_years": pa.Column(int, pa.Check.in_range(14, 110)),
            "sessions_window": pa.Column(int, non_negative),
            "support_tickets_window": pa.Column(int, non_negative),
            "late_payments_window": pa.Column(int, non_negative),
            "avg_spend_window": pa.Column(float, non_negative),
            # labels
            "churned": pa.Column(int, pa.Check.isin([0, 1])),
            "future_spend": pa.Column(float, non_negative),
        },
        unique=["customer_id", "snapshot_month"],
        coerce=True,
        strict=True,
        name=FEATURE_TABLE,
    )


def check_params_against_schema(params: Params) -> None:
    columns = set(feature_schema().columns)
    train = params.train
    named = (
        [("train.label", train.label)]
        + [("train.numeric_features", name) for name in train.numeric_features]
        + [("train.categorical_features", name) for name in train.categorical_features]
    )
    problems = [
        f"params.yaml {where}: '{name}' is not a column of {FEATURE_TABLE} "
        "(add it to sql/features/ and src/ schema.py first)"
        for where, name in named
        if name not in columns
    ]
    if problems:
        raise DataSchemaError(problems)


def validate(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame, coerced to the schema's types; DataSchemaError naming each failing column."""
    try:
        # A fresh index: pandera reports rows by index, and a repeated one breaks its report.
        return feature_schema().validate(frame.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as errors:
        raise DataSchemaError(_summarise(errors.failure_cases)) from None


def _summarise(failures: pd.DataFrame) -> list[str]:
    problems = []
    for (column, check), rows in failures.groupby(["column", "check"], dropna=False, sort=True):
        example = rows["failure_case"].iloc[0]
        example = example.item() if hasattr(example, "item") else example  # numpy -> Python
        where = f"column '{column}'" if isinstance(column, str) else FEATURE_TABLE
        problems.append(f"{where}: {len(rows)} value(s) fail {check} (e.g. {example!r})")
    return problems
