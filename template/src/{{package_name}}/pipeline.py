"""The pipeline's stages, each a function of the project root and its params.

DVC runs them one process per stage (dvc.yaml: `<package> data generate`, ...); the CLI
runs any one of them directly, and `run_all` runs them in one process. The output paths
below are the ones dvc.yaml declares (a test keeps the two in step).
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from .config import Params
from .errors import GovernanceError, StageError

RAW_DIR = Path("data/raw")
FEATURES = Path("data/interim/feat_customer_month.parquet")
VALIDATION_REPORT = Path("data/reports/validation")
PII_REPORT = Path("data/reports/pii/scan.json")
TRAINING_SET = Path("data/processed/set_train.parquet")
EVALUATION_SET = Path("data/processed/set_eval.parquet")
MODEL = Path("models/model.joblib")
METRICS = Path("reports/metrics.json")
EVALUATION_REPORT = Path("reports/evaluation")
REGISTRY_DECISION = Path("reports/registry.json")

console = Console(highlight=False)


@contextmanager
def stage(name: str) -> Iterator[None]:
    started = time.perf_counter()
    console.print(f"[bold]{name}[/bold] …")
    yield
    console.print(f"[green]✓[/green] {name} done in {time.perf_counter() - started:.1f} s")


def wrote(root: Path, paths: list[Path]) -> None:
    for path in paths:
        console.print(f"  wrote {path.relative_to(root)}")


def synthesize(root: Path, params: Params) -> list[Path]:
    from .data.synthetic import generate

    with stage(f"synthesize {params.synthetic.customers} customers"):
        tables = generate(params.synthetic.customers, params.synthetic.months, params.seed)
        (root / RAW_DIR).mkdir(parents=True, exist_ok=True)
        paths = [root / RAW_DIR / "customers.parquet", root / RAW_DIR / "activity.parquet"]
        tables.customers.to_parquet(paths[0], index=False)
        tables.activity.to_parquet(paths[1], index=False)
    wrote(root, paths)
    return paths


def generate(root: Path, params: Params) -> list[Path]:
    """SQL staging and feature models -> Parquet in data/interim/."""
    from .data.sql import SqlProject

    with stage("generate: SQL models (staging, features) on DuckDB"):
        project = SqlProject(root, params)
        missing = [p for p in params.sql.sources.values() if not (root / p).is_file()]
        if missing:
            raise StageError(
                f"source file(s) missing: {', '.join(missing)}; run `{__package__} data synthesize` "
                "or point params.yaml sql.sources at your files"
            )
        connection = project.connect()
        models = project.run(connection, ("staging", "features"))
        paths = project.write(connection, models)
    wrote(root, paths)
    return paths


def validate(root: Path, params: Params) -> list[Path]:
    """Check the feature table against its schema; write the data report."""
    import pandas as pd

    from .data.report import write_report
    from .data.schema import check_params_against_schema, validate

    with stage("validate: schema and data report"):
        check_params_against_schema(params)
        frame = validate(pd.read_parquet(root / FEATURES))
        paths = write_report(
            frame, params.train.label, params.train.numeric_features, root / VALIDATION_REPORT
        )
    wrote(root, paths)
    return paths


def split(root: Path, params: Params) -> list[Path]:
    """SQL set models: the time-based training and evaluation sets."""
    from .data.sql import SqlProject

    with stage(
        f"split: snapshots before month {params.split.eval_from_month} train, the rest evaluate"
    ):
        project = SqlProject(root, params)
        connection = project.connect()
        models = project.run(connection, ("sets",))
        for model in models:
            rows = connection.execute(f"select count(*) from {model.name}").fetchone()[0]
            if rows == 0:
                raise StageError(
                    f"{model.name} is empty: check params.yaml split.eval_from_month "
                    f"against the months in the data"
                )
        paths = project.write(connection, models)
    wrote(root, paths)
    return paths


def screen(root: Path, params: Params) -> list[Path]:
    """Scan the sources and the sets for personal data: a source may hold only what its
    provenance record declares; a training or evaluation set may hold no direct identifier."""
    import json

    from ml_playbook import pii, provenance

    with stage("screen: personal data in the sources (declared?) and the sets (none allowed)"):
        allowlist = pii.load_allowlist(root / pii.ALLOWLIST_FILE)
        records = [record for record in provenance.load_records(root) if record.valid]
        problems, found = [], {}
        for relative in params.sql.sources.values():
            record = next((r for r in records if r.covers(relative)), None)
            declared = (
                {(f["column"], f["kind"]) for f in record.data["pii"]["fields"]}
                if record
                else set()
            )
            found[relative] = _scan(root, relative, allowlist)
            for finding in found[relative]:
                if (finding["column"], finding["kind"]) not in declared:
                    owner = record.path if record else "no provenance record"
                    problems.append(
                        f"{relative}: column '{finding['column']}' holds {_describe(finding)}, which "
                        f"{owner} does not declare; add it under pii.fields with its treatment"
                    )
        for path in (TRAINING_SET, EVALUATION_SET):
            found[path.as_posix()] = _scan(root, path.as_posix(), allowlist)
            problems += [
                f"{path}: column '{finding['column']}' holds {_describe(finding)}; direct "
                "identifiers never reach a training or evaluation set: drop or pseudonymise "
                "it in sql/staging"
                for finding in found[path.as_posix()]
                if finding["kind"] in pii.DIRECT_IDENTIFIERS
            ]
        (root / PII_REPORT).parent.mkdir(parents=True, exist_ok=True)
        (root / PII_REPORT).write_text(json.dumps(found, indent=2) + "\n")
        if problems:
            raise GovernanceError(problems)
    wrote(root, [root / PII_REPORT])
    return [root / PII_REPORT]


def _scan(root: Path, relative: str, allowlist: frozenset[str]) -> list[dict]:
    from ml_playbook.pii_scan import scan_table

    if not (root / relative).is_file():
        raise StageError(f"{relative} does not exist: run the stages before `screen`")
    return [
        {**finding.as_dict(), "path": relative}
        for finding in scan_table(root / relative, allowlist)
    ]


def _describe(finding: dict) -> str:
    from ml_playbook.pii import KINDS_BY_NAME

    kind = KINDS_BY_NAME[finding["kind"]].description
    return f"{kind}s ({finding['count']} rows, e.g. {finding['example']})"


def require_signed_off_records(root: Path, params: Params) -> None:
    """No training on a data set whose provenance record is missing, invalid or not approved."""
    from ml_playbook import provenance

    data_sets = [*params.sql.sources.values(), TRAINING_SET.as_posix(), EVALUATION_SET.as_posix()]
    problems = provenance.gate(data_sets, root)
    if problems:
        raise GovernanceError(problems)


def train(root: Path, params: Params) -> list[Path]:
    from .models.training import train as fit

    require_signed_off_records(root, params)
    with stage(f"train: {params.train.model} on {TRAINING_SET.name}"):
        fit(params, root / TRAINING_SET, root / MODEL)
    wrote(root, [root / MODEL])
    return [root / MODEL]


def evaluate(root: Path, params: Params) -> list[Path]:
    from .models.evaluation import evaluate as score

    with stage(f"evaluate on {EVALUATION_SET.name}"):
        results = score(
            params, root / MODEL, root / EVALUATION_SET, root / METRICS, root / EVALUATION_REPORT
        )
    for name, value in results.items():
        console.print(f"  {name:>18}: {value:.4f}")
    paths = [root / METRICS, *sorted((root / EVALUATION_REPORT).iterdir())]
    wrote(root, paths)
    return paths


def register(root: Path, params: Params) -> list[Path]:
    from .models.registry import register as log_and_register
    from .models.registry import tracking_uri, write_decision

    with stage(f"register in MLflow ({tracking_uri(root)})"):
        decision = log_and_register(
            params,
            root,
            root / MODEL,
            root / METRICS,
            {"train": root / TRAINING_SET, "eval": root / EVALUATION_SET},
            [root / VALIDATION_REPORT, root / EVALUATION_REPORT],
        )
        write_decision(decision, root / REGISTRY_DECISION)
    alias = "champion" if decision.promoted else "challenger"
    console.print(f"  {decision.model_name} v{decision.version} is {alias}: {decision.reason}")
    wrote(root, [root / REGISTRY_DECISION])
    return [root / REGISTRY_DECISION]


STAGES = {
    "synthesize": synthesize,
    "generate": generate,
    "validate": validate,
    "split": split,
    "screen": screen,
    "train": train,
    "evaluate": evaluate,
    "register": register,
}


def run_all(root: Path, params: Params) -> None:
    """Every stage in order, in this process: the pipeline without DVC."""
    for run_stage in STAGES.values():
        run_stage(root, params)
