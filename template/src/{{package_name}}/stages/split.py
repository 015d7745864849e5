"""Stage `split`: build the SQL set models with dbt, the time-based training and evaluation sets."""

from pathlib import Path

from ..config import Params
from ..errors import ProjectError
from ..paths import EVALUATION_SET, FEATURES, PROCESSED_DIR, TRAINING_SET, VALIDATION_REPORT
from . import step, wrote

INPUTS = (FEATURES, VALIDATION_REPORT)
OUTPUTS = (PROCESSED_DIR,)
SETS = (TRAINING_SET, EVALUATION_SET)


def run(root: Path, params: Params) -> list[Path]:
    import pyarrow.parquet as pq

    from ..data.sql_project import build, checked

    month = params.split.eval_from_month
    with step(f"split: snapshots before month {month} train, the rest evaluate"):
        paths = [model.output(root) for model in checked(build(root, params, ("sets",))).models]
        for path in paths:
            if pq.ParquetFile(path).metadata.num_rows == 0:
                raise ProjectError(
                    f"{path.stem} is empty: check params.yaml split.eval_from_month "
                    "against the months in the data"
                )
    return wrote(root, paths)
