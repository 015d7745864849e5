"""Stage `train`: fit the model that params.yaml describes on the training set, once every
data set it rests on has a signed-off provenance record."""

from pathlib import Path

from ..config import Params
from ..paths import EVALUATION_SET, MODEL, PII_REPORT, TRAINING_SET
from . import new_file, read_parquet, step, wrote

INPUTS = (PII_REPORT, TRAINING_SET)  # and the provenance records (data/sources)
OUTPUTS = (MODEL,)


def data_sets(params: Params) -> list[str]:
    """What the model rests on: the sources and both sets (the evaluation set judges it)."""
    sets = [path.as_posix() for path in (TRAINING_SET, EVALUATION_SET)]
    return [*params.sql.sources.values(), *sets]


def run(root: Path, params: Params) -> list[Path]:
    import joblib

    from ..governance.sign_off import require_signed_off_records
    from ..models import inputs
    from ..models.training import fit

    require_signed_off_records(root, data_sets(params))
    with step(f"train: {params.train.model} on {TRAINING_SET.name}"):
        frame = read_parquet(root, TRAINING_SET, "split")
        model = fit(params, inputs.features(frame, params.train), inputs.label(frame, params.train))
        joblib.dump(model, new_file(root / MODEL))
    return wrote(root, [root / MODEL])
