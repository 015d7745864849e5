"""Where a project keeps things: every path relative to the project root. The library's
machinery and the project's stages read these names; the project's dvc.yaml declares the same
(its tests keep the two in step).
"""

from pathlib import Path

PARAMS = Path("params.yaml")
SQL_DIR = Path("sql")
PROVENANCE_RECORDS = Path("data/sources")
# Small data sets kept in git (the golden test set): under 500 KB, no personal data.
SAMPLES_DIR = Path("data/samples")

# Data, by stage: raw sources -> interim tables (SQL staging, features) -> processed sets.
RAW_DIR = Path("data/raw")
INTERIM_DIR = Path("data/interim")
PROCESSED_DIR = Path("data/processed")
# Where each model layer's tables are written (from what dbt built), as <model>.parquet.
SQL_LAYER_OUTPUT = {"staging": INTERIM_DIR, "features": INTERIM_DIR, "sets": PROCESSED_DIR}
TRAINING_SET = PROCESSED_DIR / "set_train.parquet"
EVALUATION_SET = PROCESSED_DIR / "set_eval.parquet"
VALIDATION_REPORT = Path("data/reports/validation")
PII_REPORT = Path("data/reports/pii/scan.json")

# The model and what is known about it.
MODEL = Path("models/model.joblib")
METRICS = Path("reports/metrics.json")
EVALUATION_REPORT = Path("reports/evaluation")
REGISTRY_DECISION = Path("reports/registry.json")
# The `eval` commands' HTML reports, one folder each, linked from index.html there.
ANALYSIS_REPORTS = Path("reports/analysis")

# The ML Test Score: its report, and the dated manual write-ups it accepts as evidence.
READINESS_REPORT = Path("reports/readiness")
READINESS_RECORDS = Path("docs/readiness/records.yml")

# The local MLflow store (when MLFLOW_TRACKING_URI names no server) and its artifacts.
MLFLOW_STORE = Path("mlflow.db")
MLFLOW_ARTIFACTS = Path("mlruns")


def project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: the working directory) with a
    pyproject.toml and a params.yaml (the project's); else the nearest with a pyproject.toml."""
    here = (start or Path.cwd()).resolve()
    folders = (here, *here.parents)
    for folder in folders:
        if (folder / "pyproject.toml").is_file() and (folder / PARAMS).is_file():
            return folder
    for folder in folders:
        if (folder / "pyproject.toml").is_file():
            return folder
    return here
