"""Small projects for the library's unit tests: params.yaml, a feature table and a trained
model built in milliseconds from numbers, with an in-memory registry — no template render, no
dbt, no MLflow unless a test asks for them."""

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

# One thread for scikit-learn's OpenMP and BLAS (set before they load): on tiny data threads
# cost more than they save.
os.environ.setdefault("OMP_NUM_THREADS", "1")

from ml_playbook.modeling.metrics import CLASSIFICATION, REGRESSION, Metric  # noqa: E402
from ml_playbook.project import Extensions, ProjectSpec  # noqa: E402
from ml_playbook.project.paths import EVALUATION_SET, MODEL, TRAINING_SET  # noqa: E402
from ml_playbook.registry.memory import MemoryRegistry  # noqa: E402

NUMERIC = ["monthly_fee", "tenure_months", "sessions_window", "support_tickets_window"]
CATEGORICAL = ["plan", "country"]
KEYS = ["customer_id", "snapshot_month"]
LABELS = {CLASSIFICATION: "churned", REGRESSION: "future_spend"}
PLANS = {"basic": 9.0, "standard": 19.0, "premium": 39.0}
COUNTRIES = ["KR", "US", "GB"]


def feature_table(customers: int = 300, months: int = 12, seed: int = 7) -> pd.DataFrame:
    """One row per customer and month, shaped like a project's feature table: keys, numeric and
    categorical features, and both labels (churn depends on tickets and use; spend on fee and
    use), so a model has something to learn."""
    rng = np.random.default_rng(seed)
    plan = rng.choice(list(PLANS), size=customers, p=[0.5, 0.35, 0.15])
    country = rng.choice(COUNTRIES, size=customers, p=[0.6, 0.3, 0.1])
    engagement = rng.gamma(2.0, 4.0, size=customers)
    rows = []
    for month in range(months):
        sessions = rng.poisson(engagement)
        tickets = rng.poisson(0.2 + 0.5 * (sessions < 2))
        logit = -2.5 + 1.1 * tickets - 0.5 * np.log1p(sessions) + 0.5 * (plan == "basic")
        fee = np.array([PLANS[p] for p in plan])
        rows.append(
            pd.DataFrame(
                {
                    "customer_id": 100_000 + np.arange(customers),
                    "snapshot_month": month,
                    "plan": plan,
                    "country": country,
                    "monthly_fee": fee,
                    "tenure_months": month + rng.integers(0, 12, size=customers),
                    "sessions_window": sessions,
                    "support_tickets_window": tickets,
                    "churned": (rng.random(customers) < 1 / (1 + np.exp(-logit))).astype(int),
                    "future_spend": np.round(
                        3 * fee + 1.5 * sessions + rng.normal(0, 3, customers), 2
                    ),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def params_dict(task: str = CLASSIFICATION, **sections) -> dict:
    """A complete params.yaml (the library's sections) for `task`; `sections` replace whole ones."""
    classification = task == CLASSIFICATION
    params = {
        "task": task,
        "seed": 42,
        "sql": {"engine": "duckdb", "dialect": "duckdb", "sources": {}, "vars": []},
        "data": {
            "table": "feat_customer_month",
            "keys": KEYS,
            "time_column": "snapshot_month",
            "rules": {
                "customer_id": {"type": "int"},
                "snapshot_month": {"type": "int", "min": 0},
                "plan": {"in": list(PLANS)},
                "country": {"pattern": "^[A-Z]{2}$"},
                "monthly_fee": {"min": 0},
                "tenure_months": {"type": "int", "min": 0},
                "sessions_window": {"type": "int", "min": 0},
                "support_tickets_window": {"type": "int", "min": 0},
            },
        },
        "train": {
            "label": LABELS[task],
            "numeric_features": NUMERIC,
            "categorical_features": CATEGORICAL,
            "model": "hist_gradient_boosting",
            "hyperparameters": {"max_iter": 40, "learning_rate": 0.1, "max_leaf_nodes": 7},
            "search": {
                "grid": {"learning_rate": [0.05, 0.1], "max_leaf_nodes": [7, 15]},
                "folds": 2,
                "tolerance": 0.05 if classification else 2.0,
            },
        },
        "evaluate": {
            "primary_metric": "roc_auc" if classification else "rmse",
            "min_slice_rows": 30,
        },
        "registry": {"model_name": "tiny-model", "promotion_margin": 0.0},
        "test_sets": [
            {"name": "eval", "model": "set_eval", "slices": ["plan", "country"], "owner": "ds"}
        ],
    }
    params.update(sections)
    return params


def build_model(params):
    """The estimator a template project's model.py builds: scaled numbers, one-hot categories,
    and the model params.yaml names."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    classification = params.task == CLASSIFICATION
    estimators = {
        "hist_gradient_boosting": (
            HistGradientBoostingClassifier if classification else HistGradientBoostingRegressor
        ),
        "linear": LogisticRegression if classification else Ridge,
    }
    estimator = estimators[params.train.model](**params.train.hyperparameters)
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=params.seed)
    preprocess = ColumnTransformer(
        [
            ("numeric", StandardScaler(), params.train.numeric_features),
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                params.train.categorical_features,
            ),
        ]
    )
    return Pipeline([("preprocess", preprocess), ("model", estimator)])


def top_decile_precision(label, score) -> float:
    label, score = np.asarray(label, dtype=float), np.asarray(score, dtype=float)
    top = np.argsort(-score, kind="stable")[: max(1, int(np.ceil(label.size / 10)))]
    return float(label[top].mean())


EXTENSIONS = Extensions(
    metrics={CLASSIFICATION: {"top_decile_precision": Metric(top_decile_precision)}},
    slices={
        "tenure_band": lambda frame: pd.cut(frame["tenure_months"], [-1, 6, 12, 1000]).astype(str)
    },
)


def write_project(
    root: Path,
    task: str = CLASSIFICATION,
    registry=None,
    extensions: Extensions = EXTENSIONS,
    **sections,
):
    """A project folder at `root` (pyproject.toml, params.yaml) and its loaded Project, using
    `registry` (default: a new in-memory one)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'tiny'\n")
    (root / "params.yaml").write_text(
        yaml.safe_dump(params_dict(task, **sections), sort_keys=False)
    )
    registry = registry if registry is not None else MemoryRegistry()
    spec = ProjectSpec(
        package="tiny",
        build_model=build_model,
        extensions=extensions,
        registry=lambda project: registry,
    )
    return spec.load(root)


def write_sets(project, frame: pd.DataFrame | None = None, eval_from: int = 9) -> pd.DataFrame:
    """The training and evaluation sets (split by month) where the pipeline writes them."""
    frame = feature_table() if frame is None else frame
    for path, rows in (
        (TRAINING_SET, frame[frame["snapshot_month"] < eval_from]),
        (EVALUATION_SET, frame[frame["snapshot_month"] >= eval_from]),
    ):
        (project.root / path).parent.mkdir(parents=True, exist_ok=True)
        rows.to_parquet(project.root / path, index=False)
    return frame


def fit(project):
    """A model fitted on the project's training set (nothing saved)."""
    train_rows = pd.read_parquet(project.root / TRAINING_SET)
    features = project.params.train.features
    return project.build_model().fit(train_rows[features], train_rows[project.params.train.label])


def train(project):
    """A model fitted on the training set, saved where the pipeline keeps it."""
    import joblib

    model = fit(project)
    (project.root / MODEL).parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, project.root / MODEL)
    return model


def read_json(path: Path):
    return json.loads(path.read_text())
