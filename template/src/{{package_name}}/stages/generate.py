"""Stage `generate`: run the SQL staging and feature models on DuckDB; write data/interim/."""

from pathlib import Path

from ..config import Params
from ..errors import ProjectError
from ..paths import INTERIM_DIR
from . import step, wrote

INPUTS: tuple[Path, ...] = ()  # the sources params.yaml names (sql.sources)
OUTPUTS = (INTERIM_DIR,)


def run(root: Path, params: Params) -> list[Path]:
    from ..data.sql import SqlProject

    with step("generate: SQL models (staging, features) on DuckDB"):
        missing = [p for p in params.sql.sources.values() if not (root / p).is_file()]
        if missing:
            raise ProjectError(
                f"source file(s) missing: {', '.join(missing)}; run `dvc repro synthesize` "
                "or point params.yaml sql.sources at your files"
            )
        project = SqlProject(root, params)
        connection = project.connect()
        paths = project.write(connection, project.run(connection, ("staging", "features")))
    return wrote(root, paths)
