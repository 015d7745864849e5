"""Stage `generate`: build the SQL staging and feature models with dbt; write data/interim/."""

from pathlib import Path

from ..config import Params
from ..paths import INTERIM_DIR
from . import step, wrote

INPUTS: tuple[Path, ...] = ()  # the sources params.yaml names (sql.sources)
OUTPUTS = (INTERIM_DIR,)


def run(root: Path, params: Params) -> list[Path]:
    from ..data.sql_project import build, checked

    with step(f"generate: SQL models (staging, features) with dbt on {params.sql.engine}"):
        built = checked(build(root, params, ("staging", "features")))
    return wrote(root, [model.output(root) for model in built.models])
