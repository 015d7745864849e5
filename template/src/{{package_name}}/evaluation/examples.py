"""Hand-made examples checked against what the model knows before it predicts: every feature
present, numbers that are numbers, and categories the model saw in training (a one-hot model
silently ignores one it never saw, so a typo such as `countyr=KR` or `country=FR` would pass
unnoticed). Each problem is one line naming the row and the field."""

import pandas as pd

from ..errors import ProjectError


def known_categories(model) -> dict[str, list[str]]:
    """The values of each categorical feature the model was trained on (its one-hot encoder)."""
    preprocess = getattr(model, "steps", [(None, None)])[0][1]
    known = {}
    for _, transformer, columns in getattr(preprocess, "transformers_", []):
        categories = getattr(transformer, "categories_", None)
        if categories is not None:
            known |= {
                column: [str(value) for value in values]
                for column, values in zip(columns, categories, strict=True)
            }
    return known


def check_examples(frame: pd.DataFrame, train, model, source: str) -> None:
    """Raise one ProjectError listing every problem of `frame` as examples for `model`."""
    problems = [
        f"{source}: no column '{column}' (the model needs it)"
        for column in train.numeric_features + train.categorical_features
        if column not in frame.columns
    ]
    for column in (c for c in train.numeric_features if c in frame.columns):
        numbers = pd.to_numeric(frame[column], errors="coerce")
        for row in frame.index[numbers.isna() & frame[column].notna()][:5]:
            problems.append(
                f"{source}: row {row + 1}: {column} '{frame.at[row, column]}' is not a number"
            )
    for column, values in known_categories(model).items():
        if column not in frame.columns:
            continue
        unknown = ~frame[column].astype(str).isin(values)
        for row in frame.index[unknown][:5]:
            problems.append(
                f"{source}: row {row + 1}: {column} '{frame.at[row, column]}' was never seen "
                f"in training (known: {', '.join(values)})"
            )
    if problems:
        raise ProjectError(*problems)
