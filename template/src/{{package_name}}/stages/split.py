"""Stage `split`: run the SQL set models, the time-based training and evaluation sets."""

from pathlib import Path

from ..config import Params
from ..errors import ProjectError
from ..paths import EVALUATION_SET, FEATURES, PROCESSED_DIR, TRAINING_SET, VALIDATION_REPORT
from . import step, wrote

INPUTS = (FEATURES, VALIDATION_REPORT)
OUTPUTS = (PROCESSED_DIR,)
SETS = (TRAINING_SET, EVALUATION_SET)


def run(root: Path, params: Params) -> list[Path]:
    from ..data.sql import SqlProject

    month = params.split.eval_from_month
    with step(f"split: snapshots before month {month} train, the rest evaluate"):
        project = SqlProject(root, params)
        connection = project.connect()
        models = project.run(connection, ("sets",))
        for model in models:
            if connection.execute(f"select count(*) from {model.name}").fetchone()[0] == 0:
                raise ProjectError(
                    f"{model.name} is empty: check params.yaml split.eval_from_month "
                    "against the months in the data"
                )
        paths = project.write(connection, models)
    return wrote(root, paths)
