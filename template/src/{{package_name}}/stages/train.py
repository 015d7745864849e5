"""Stage `train`: the team's model (model.py) fitted on the training set, once every data set it
rests on has an approved provenance record."""

from ml_playbook.project.paths import EVALUATION_SET, MODEL, TRAINING_SET
from ml_playbook.stage import outputs, read_parquet, step


def run(project) -> None:
    """Fit the model that params.yaml describes on the training set."""
    from ml_playbook.governance.sign_off import require_signed_off_records
    from ml_playbook.modeling.training import fit

    params = project.params
    sets = [path.as_posix() for path in (TRAINING_SET, EVALUATION_SET)]
    require_signed_off_records(project.root, [*params.sql.sources.values(), *sets])
    with step(f"train: {params.train.model} on {TRAINING_SET.name}"):
        frame = read_parquet(project.root, TRAINING_SET, "split")
        model = fit(project.build_model(), frame, params.train)
        with outputs(project.root, MODEL) as out:
            out.joblib(MODEL, model)
