"""Stage `register`: log the run to MLflow, register the model as challenger, and promote it
to champion if it beats the champion by the configured margin."""

import hashlib
import json
import subprocess
from pathlib import Path

from ..config import Params
from ..paths import (
    EVALUATION_REPORT,
    EVALUATION_SET,
    METRICS,
    MODEL,
    REGISTRY_DECISION,
    TRAINING_SET,
    VALIDATION_REPORT,
)
from . import console, load_model, read_parquet, step, write_json, wrote

INPUTS = (MODEL, METRICS, TRAINING_SET, EVALUATION_SET, VALIDATION_REPORT, EVALUATION_REPORT)
OUTPUTS = (REGISTRY_DECISION,)
DATA_SETS = {"train": TRAINING_SET, "eval": EVALUATION_SET}


def file_md5(path: Path) -> str:
    """The MD5 DVC records for a file, so a run names the exact data version it used."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "md5").hexdigest()


def git_commit(root: Path) -> str:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else "no-commit-yet"


def run(root: Path, params: Params) -> list[Path]:
    from ..evaluation.sets import logged_metrics
    from ..models import inputs
    from ..models.registry import Candidate, register, tracking_uri

    with step(f"register in MLflow ({tracking_uri(root)})"):
        metrics = json.loads((root / METRICS).read_text())
        example = inputs.features(read_parquet(root, EVALUATION_SET, "split").head(5), params.train)
        candidate = Candidate(
            model=load_model(root),
            metrics=logged_metrics(metrics),  # every test set's, as <set>.<metric>
            example=example,
            tags={
                "git_commit": git_commit(root),
                **{f"data.{key}.md5": file_md5(root / path) for key, path in DATA_SETS.items()},
                **{f"data.{key}.path": path.as_posix() for key, path in DATA_SETS.items()},
            },
            artifacts=[root / VALIDATION_REPORT, root / EVALUATION_REPORT],
        )
        decision = register(params, candidate, root)
        path = write_json(root / REGISTRY_DECISION, decision.as_dict())
    alias = "champion" if decision.promoted else "challenger"
    console.print(f"  {decision.model_name} v{decision.version} is {alias}: {decision.reason}")
    return wrote(root, [path])
