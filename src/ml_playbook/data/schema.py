"""The contract of the feature table, built from params.yaml alone: the columns `train` names
(features and label) and the keys of a row (`data.keys`), each with its type and the value
rule of `data.rules`. `validate` checks the table against it, the service builds its request
model from it, and the monitor checks the served rows with it — one declaration, three uses.

A feature without a rule is checked for its type only: a number (float) for a numeric feature,
text for a categorical one. The label is 0 or 1 for classification, a number for regression.
"""

from ..conventions import SQL_LAYER_PREFIXES
from ..errors import ProjectError
from ..modeling.metrics import CLASSIFICATION

TYPES = {"int": int, "float": float, "str": str}


def checks(rule) -> list:
    """The pandera checks of one ColumnRule (params.data.rules)."""
    import pandera.pandas as pa

    found = []
    if rule.min is not None:
        found.append(pa.Check.ge(rule.min))
    if rule.max is not None:
        found.append(pa.Check.le(rule.max))
    if rule.allowed is not None:
        found.append(pa.Check.isin(list(rule.allowed)))
    if rule.pattern is not None:
        found.append(pa.Check.str_matches(rule.pattern))
    return found


def column_types(params) -> dict[str, type]:
    """The type of every column the contract names: keys, features and label."""
    train, rules = params.train, params.data.rules
    defaults = {name: int for name in params.data.keys}
    defaults |= {name: float for name in train.numeric_features}
    defaults |= {name: str for name in train.categorical_features}
    defaults[train.label] = int if params.task == CLASSIFICATION else float
    return {
        name: TYPES[rules[name].type] if name in rules and rules[name].type else kind
        for name, kind in defaults.items()
    }


def feature_schema(params):
    """The pandera schema of the columns `params` names; other columns of the table pass
    through. (pandera is imported here, not at the top: the service needs only column_types.)"""
    import pandera.pandas as pa

    columns = {}
    for name, kind in column_types(params).items():
        rule = params.data.rules.get(name)
        found = checks(rule) if rule is not None else []
        if name == params.train.label and params.task == CLASSIFICATION:
            found.append(pa.Check.isin([0, 1]))
        columns[name] = pa.Column(kind, found)
    keys = list(params.data.keys)
    return pa.DataFrameSchema(
        columns, unique=keys or None, coerce=True, strict=False, name=params.data.table
    )


def read_feature_table(project):
    """The feature table params.yaml `data.table` names, as `generate` wrote it; a name the SQL
    does not build is an error naming the setting and the feature models that exist, and a
    table of fewer rows than `data.min_rows` (an empty one, at least) is an error too."""
    from ..stage import read_parquet

    params = project.params
    path = project.root / params.data.path
    built = sorted(p.stem for p in path.parent.glob(f"{SQL_LAYER_PREFIXES['features']}*.parquet"))
    if not path.is_file() and built:
        raise ProjectError(
            f"params.yaml data.table names {params.data.table}, which the SQL does not build: "
            f"the feature models are {', '.join(built)}"
        )
    frame = read_parquet(project.root, params.data.path, "generate")
    if len(frame) < params.data.min_rows:
        raise ProjectError(
            f"{params.data.path.as_posix()} holds {len(frame)} rows, fewer than params.yaml "
            f"data.min_rows ({params.data.min_rows}): check the settings and sources "
            f"sql/features/{params.data.table}.sql reads (`dvc repro generate` remakes it), or "
            "lower data.min_rows"
        )
    return frame


def validate(frame, params, where: str | None = None):
    """The frame, coerced to the schema's types; an error naming each failing column, and each
    rule of params.yaml `data.rules` for a column the table does not have (a typo would
    otherwise leave the column it meant unchecked)."""
    import pandera.pandas as pa

    table = where or params.data.table
    stray = [name for name in params.data.rules if name not in frame.columns]
    if stray:
        raise ProjectError(
            *(
                f"params.yaml data.rules.{name}: {table} has no column {name}; fix the name or "
                "drop the rule"
                for name in stray
            )
        )
    schema = feature_schema(params)
    try:
        # A fresh index: pandera reports rows by index, and a repeated one breaks its report.
        return schema.validate(frame.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as errors:
        raise ProjectError(*summarise(errors.failure_cases, table)) from None


def summarise(failures, table: str) -> list[str]:
    """pandera's failure cases as one line per column and check."""
    problems = []
    for (column, check), rows in failures.groupby(["column", "check"], dropna=False, sort=True):
        example = rows["failure_case"].iloc[0]
        example = example.item() if hasattr(example, "item") else example  # numpy -> Python
        if check == "column_in_dataframe":
            problems += [
                f"{table} has no column '{name}', which params.yaml names: add it to the SQL "
                "(sql/features/) or take it out of params.yaml"
                for name in rows["failure_case"]
            ]
            continue
        where = f"{table}: column '{column}'" if isinstance(column, str) else table
        problems.append(f"{where}: {len(rows)} value(s) fail {check} (e.g. {example!r})")
    return problems
