"""`release verify` against a stand-in service on loopback: it passes when the service answers
the champion's offline predictions in time, and names each mismatch — another version served,
different answers, a slow answer — with exit 1; it sends the examples' features only."""

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from ml_playbook.errors import ProjectError
from ml_playbook.modeling import inputs
from ml_playbook.modeling.metrics import model_scores
from ml_playbook.project.paths import EVALUATION_SET, PARAMS
from ml_playbook.release.verify import verify
from tests.library.release.loopback import loopback
from tests.library.release.projects import cli_app, registry_of

GOLDEN = "data/samples/golden.csv"
runner = CliRunner()


@pytest.fixture
def golden(released):
    """The project's examples: features, the label, a key and a note the service must not get."""
    rows = pd.read_parquet(released.root / EVALUATION_SET).head(12)
    path = released.root / GOLDEN
    path.parent.mkdir(parents=True)
    rows.assign(note="a row for verify").to_csv(path, index=False)
    return released


def service(project, version: str, name: str | None = None):
    """Answers like the model service serving `version` of the project's model."""
    train = project.params.train
    model = registry_of(project).load(train_name(project), version)

    def answer(path, body):
        if path == "/ready":
            return {"model": {"name": name or train_name(project), "version": version}}
        rows = pd.DataFrame(body.get("rows", [body]))
        features = inputs.features(rows, train.numeric_features, train.categorical_features)
        return {"predictions": model_scores(model, features, project.params.task).tolist()}

    return answer


def train_name(project) -> str:
    return project.params.registry.model_name


def invoke(project, monkeypatch, *arguments: str):
    monkeypatch.chdir(project.root)
    return runner.invoke(cli_app(project.spec), ["release", "verify", *arguments])


def test_verify_passes_on_the_served_champion_and_sends_the_features_only(golden, monkeypatch):
    with loopback(service(golden, "1")) as (url, received):
        result = invoke(golden, monkeypatch, url)

    assert result.exit_code == 0, result.output
    assert result.output == f"{url}: answers match the offline predictions, latency within bounds\n"
    batch, *singles = received
    assert len(batch["rows"]) == 12
    assert all(list(row) == golden.params.train.features for row in batch["rows"])
    assert len(singles) == golden.params.release.verify_latency_requests
    assert isinstance(batch["rows"][0]["tenure_months"], int)  # counts as written


def test_verify_fails_when_another_version_is_served(golden, monkeypatch):
    with loopback(service(golden, "1")) as (url, _):
        result = invoke(golden, monkeypatch, url, "--version", "2")

    assert result.exit_code == 1
    assert result.output == "mismatch: the service serves tiny-model v1, expected tiny-model v2\n"


def test_verify_fails_when_the_answers_differ_from_the_offline_ones(golden, monkeypatch):
    def impostor(path, body):  # claims v1, answers something else
        if path == "/ready":
            return {"model": {"name": "tiny-model", "version": "1", "alias": "champion"}}
        return {"predictions": [0.5] * len(body.get("rows", [body]))}

    with loopback(impostor) as (url, _):
        result = invoke(golden, monkeypatch, url)

    assert result.exit_code == 1
    assert "mismatch: example 0: served 0.5, offline " in result.output
    assert "... and 2 more examples differ" in result.output  # 12 differ, 10 are shown


def test_verify_fails_when_the_service_is_slow(golden, monkeypatch):
    settings = yaml.safe_load((golden.root / PARAMS).read_text())
    settings["release"]["verify_max_p99_ms"] = 0.001
    (golden.root / "strict.yaml").write_text(yaml.safe_dump(settings))

    with loopback(service(golden, "1")) as (url, _):
        result = invoke(golden, monkeypatch, url, "--params", "strict.yaml")

    assert result.exit_code == 1
    assert "mismatch: p99 latency " in result.output
    assert "ms is over the 0.001 ms allowed" in result.output


def test_examples_without_a_feature_are_one_line_naming_the_file_and_column(golden):
    examples = pd.read_csv(golden.root / GOLDEN).drop(columns=["plan", "country"])
    examples.to_csv(golden.root / GOLDEN, index=False)

    with pytest.raises(ProjectError) as caught:
        verify(golden, "http://127.0.0.1:9", None)

    assert caught.value.problems == [
        f"{GOLDEN} has no column(s) plan, country: the examples need every feature of "
        "params.yaml train"
    ]


def test_missing_examples_name_the_setting(released):
    with pytest.raises(ProjectError, match=f"^{GOLDEN}: no such file; release.verify_examples"):
        verify(released, "http://127.0.0.1:9", None)


@pytest.mark.parametrize(
    ("url", "answer", "message"),
    [
        ("127.0.0.1:8000", None, "'127.0.0.1:8000' is not an http(s) URL"),
        (None, lambda path, body: b"<html>hello</html>", "did not answer JSON"),
        (None, lambda path, body: {"status": "ok"}, "does not name the model it serves"),
        (
            None,
            lambda path, body: (
                {"model": {"name": "tiny-model", "version": "1"}}
                if path == "/ready"
                else {"predictions": "many"}
            ),
            "answered no list of numbers under 'predictions'",
        ),
    ],
    ids=["not a url", "not json", "not the service", "no predictions"],
)
def test_a_service_that_cannot_be_verified_is_one_line_saying_why(golden, url, answer, message):
    with loopback(answer) as (base, _), pytest.raises(ProjectError) as caught:
        verify(golden, url or base, None)

    assert len(caught.value.problems) == 1
    assert message in caught.value.problems[0]


def test_a_service_that_is_not_running_cannot_be_reached(golden):
    with loopback() as (url, _):
        pass  # stopped: nothing listens on its port any more

    with pytest.raises(ProjectError, match="cannot reach the service"):
        verify(golden, url, None)
