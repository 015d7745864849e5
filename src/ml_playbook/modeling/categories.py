"""The categories a model was trained on, read from its one-hot encoder: a one-hot model
silently reads a value it never saw as none of its categories, so `predict`, the service and
the example checks refuse such a value instead, naming the values it knows."""

SHOWN_CHARS = 40


def category_values(model) -> dict[str, list]:
    """The values of each categorical feature the model was trained on (its fitted
    preprocessing's encoders), as the encoder holds them; {} for a model without one."""
    preprocess = getattr(model, "steps", [(None, None)])[0][1]
    known = {}
    for _, transformer, columns in getattr(preprocess, "transformers_", []):
        for step in getattr(transformer, "steps", [(None, transformer)]):
            categories = getattr(step[1], "categories_", None)
            if categories is not None:
                known |= {
                    column: list(values) for column, values in zip(columns, categories, strict=True)
                }
    return known


def known_categories(model) -> dict[str, list[str]]:
    """The values of each categorical feature the model knows, as text."""
    return {
        column: [str(value) for value in values]
        for column, values in category_values(model).items()
    }


def never_seen(values: list[str]) -> str:
    """What is wrong with a category the model was not trained on."""
    return f"was never seen in training (known: {', '.join(_shown(v) for v in values)})"


def unseen_categories(rows: list[dict], known: dict[str, list[str]]) -> list[tuple[int, str]]:
    """(row number, feature) of each category in `rows` that the model never saw."""
    return [
        (number, column)
        for number, row in enumerate(rows)
        for column, values in known.items()
        if row.get(column) is not None and str(row[column]) not in values
    ]


def _shown(value: str) -> str:
    text = value if value.isprintable() else repr(value)[1:-1]
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}…"
