"""How a project's preprocessing (a fitted ColumnTransformer, the first step of the pipeline
model.py builds) turns features into model inputs: which input feature each output column comes
from. Attributions sum one-hot columns back into their feature with it; feature costs count
them."""


def source_features(preprocess) -> list[str]:
    """For each column the preprocessing outputs, the input feature it comes from."""
    names = []
    for _, transformer, columns in preprocess.transformers_:
        if (isinstance(transformer, str) and transformer == "drop") or len(columns) == 0:
            continue
        encoder = _encoder(transformer)
        if encoder is None:
            names += list(columns)
        else:
            categories = encoder.categories_
            dropped = getattr(encoder, "drop_idx_", None)
            for position, (column, values) in enumerate(zip(columns, categories, strict=True)):
                keep = len(values) - (dropped is not None and dropped[position] is not None)
                names += [column] * keep
    return names


def _encoder(transformer):
    """The one-hot encoder of a transformer (itself, or the last step of its pipeline), if any."""
    for step in reversed(getattr(transformer, "steps", [(None, transformer)])):
        if getattr(step[1], "categories_", None) is not None:
            return step[1]
    return None
