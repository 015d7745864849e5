"""Each extension point, used from a rendered project as a team would use it: a feature (its
SQL column, its name in params.yaml, its value in the golden set), a model (model.py), a metric,
a slice and a monitor rule (extend.py). The project's own stages then run on tiny data in this
process, with a registry in memory, and each addition shows where it should — up to the
service and `release verify` for the new feature.
"""

import json
import re

import pandas as pd
import pytest
import yaml
from fastapi.testclient import TestClient

from devtools.rendered import load_rendered
from devtools.servers import running
from ml_playbook.data.schema import validate
from ml_playbook.monitoring.run import monitor
from ml_playbook.project.paths import EVALUATION_REPORT, EVALUATION_SET, METRICS, MODEL
from ml_playbook.registry import CHAMPION
from ml_playbook.release.moves import promote
from ml_playbook.release.verify import verify
from ml_playbook.serving.service import build_service
from ml_playbook.stage import load_model

pytestmark = pytest.mark.render

PACKAGE = "extended_model"
FEATURE = "lifetime_fees"
GOLDEN = "data/samples/golden.csv"
MODEL_NAME = "extra_trees"
METRIC = "share_flagged"
SLICE = "fee_band"
RULE = "premium_share"
TINY = {
    "synthetic.customers": 300,
    "synthetic.months": 14,
    "split.eval_from_month": 9,
    "train.search.folds": 2,
}

SQL_FEATURE = (
    "    history.avg_spend_window,\n",
    "    history.avg_spend_window,\n"
    f"    customer_snapshots.monthly_fee * customer_snapshots.tenure_months as {FEATURE},\n",
)
MODEL_ENTRY = (
    "ESTIMATORS = {\n",
    "ESTIMATORS = {\n"
    f'    "{MODEL_NAME}": {{\n'
    '        "binary_classification": ("sklearn.ensemble", "ExtraTreesClassifier"),\n'
    '        "regression": ("sklearn.ensemble", "ExtraTreesRegressor"),\n'
    "    },\n",
)
EXTENSIONS = f'''

def share_flagged(label, score) -> float:
    """The share of customers flagged (scored at or above 0.5)."""
    import numpy as np

    return float(np.mean(np.asarray(score) >= 0.5))


def fee_band(frame):
    """Customers by the fee they pay."""
    return (frame["monthly_fee"] >= 20).map({{True: "high", False: "low"}})


def premium_share(view):
    """Trips when premium customers are more than a tenth of the served rows."""
    from ml_playbook.monitoring import Check

    share = float((view.served["plan"] == "premium").mean())
    return Check("{RULE}", "plan", share, 0.1, share > 0.1, f"{{share:.0%}} premium")


METRICS[CLASSIFICATION]["{METRIC}"] = Metric(share_flagged)
SLICES["{SLICE}"] = fee_band
MONITOR_CHECKS.append(premium_share)
EXTENSIONS = Extensions(metrics=METRICS, slices=SLICES, monitor_checks=MONITOR_CHECKS)
'''


def edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path.name} has no {old!r}: update this test to the template"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def extended(render, tmp_path_factory):
    """A rendered project with one of each addition, its stages run through `evaluate`."""
    project = render({"project_name": "Extended Model"}, name="extended")
    package = project / "src" / PACKAGE
    edit(project / "sql/features/feat_customer_month.sql", *SQL_FEATURE)
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["train"]["numeric_features"].append(FEATURE)
    params["train"]["model"] = MODEL_NAME
    params["train"]["hyperparameters"] = {"n_estimators": 30}
    params["train"]["search"]["grid"] = {"n_estimators": [30]}
    params["test_sets"][0]["slices"].append(SLICE)
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    golden = pd.read_csv(project / GOLDEN)
    golden[FEATURE] = golden["monthly_fee"] * golden["tenure_months"]
    golden.to_csv(project / GOLDEN, index=False)
    edit(package / "model.py", *MODEL_ENTRY)
    (package / "extend.py").write_text((package / "extend.py").read_text() + EXTENSIONS)

    loaded, registry, stages = load_rendered(project, PACKAGE, TINY)
    for stage in stages.values():  # register: v1, in memory
        stage.run(loaded)
    if registry.alias(loaded.params.registry.model_name, CHAMPION) is None:
        # 30 trees on the tiny sample may miss the launch criteria; launched by hand, on the
        # record, as a team would for a trial (release promote --force --reason)
        promote(loaded, "1", "tests", force_reason="a trial of the team's own model")
    return loaded, registry


def test_a_feature_added_in_sql_and_params_is_trained_on(extended):
    project, _ = extended

    scored = pd.read_parquet(project.root / EVALUATION_SET)
    model = load_model(project.root, MODEL)

    assert FEATURE in scored.columns
    assert FEATURE in list(model.feature_names_in_)


def test_the_new_feature_is_served_and_release_verify_replays_the_golden_set(extended):
    project, registry = extended

    with running(build_service(project, registry=registry)) as port:
        problems = verify(project, f"http://127.0.0.1:{port}", None, registry=registry)
        with TestClient(build_service(project, registry=registry)) as client:
            row = pd.read_csv(project.root / GOLDEN)[project.params.train.features].iloc[0]
            without = client.post("/predict", json=row.drop(FEATURE).to_dict())

    assert problems == []
    assert without.status_code == 422
    assert without.json()["error"] == f"{FEATURE}: required feature is missing"


def test_a_model_added_in_model_py_is_the_one_trained(extended):
    project, _ = extended

    model = load_model(project.root, MODEL)

    assert type(model.steps[-1][1]).__name__ == "ExtraTreesClassifier"


def test_a_metric_added_in_extend_py_is_reported_for_every_test_set(extended):
    project, _ = extended

    metrics = json.loads((project.root / METRICS).read_text())

    assert METRIC in metrics
    assert all(METRIC in values for values in metrics["sets"].values())


def test_a_slice_added_in_extend_py_is_reported_per_group(extended):
    project, _ = extended

    slices = json.loads((project.root / EVALUATION_REPORT / "slices.json").read_text())

    assert {row["value"] for row in slices if row["column"] == SLICE} == {"high", "low"}


def test_a_monitor_rule_added_in_extend_py_is_judged_and_reported_alike(extended):
    project, registry = extended
    serve = project.params.serve.model_copy(
        update={"log_sample_rate": 1.0, "log_flush_seconds": 0.05, "poll_seconds": 0.0}
    )
    project = project.with_params(serve=serve)
    rows = validate(pd.read_parquet(project.root / EVALUATION_SET), project.params)
    premium = rows.assign(plan="premium", monthly_fee=39.0)[project.params.train.features]
    with TestClient(build_service(project, registry=registry)) as client:
        sent = client.post("/predict", json={"rows": premium.head(250).to_dict("records")})
        assert sent.status_code == 200, sent.text

    outcome = monitor(project, registry=registry)

    ours = next(check for check in outcome.checks if check.rule == RULE)
    assert ours.fired
    assert ours in outcome.fired
    assert re.search(rf"\b{RULE}\b", outcome.report.read_text())
