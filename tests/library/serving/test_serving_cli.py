"""`serve` starts uvicorn on the registry's model, with the address and version its options
or params.yaml give: it says where it listens at once, then which version it serves and how
long that took; a model it cannot serve is one error line and exit 1."""

import re

import pytest
import typer
import yaml
from typer.testing import CliRunner

from ml_playbook.cli.common import Apps
from ml_playbook.cli.serve import register
from ml_playbook.modeling.metrics import CLASSIFICATION
from tests.library.serving.conftest import AppClient, serve_project

runner = CliRunner()
LISTENING = "starting on http://{}; loading tiny-model {}\n"


@pytest.fixture
def command(served, monkeypatch):
    """The project's command with `serve`, run in the project; the server, instead of
    listening, runs the app's start and stop (so the model loads) and records its config."""
    import uvicorn

    started = []

    def run(server):
        started.append(server.config)
        with AppClient(server.config.app):
            pass

    monkeypatch.setattr(uvicorn.Server, "run", run)
    monkeypatch.chdir(served.project.root)
    app = typer.Typer()
    register(Apps(app, typer.Typer()), served.project.spec)
    app.command("noop", hidden=True)(lambda: None)  # keeps `serve` a subcommand

    def invoke(*arguments: str):
        return runner.invoke(app, ["serve", *arguments]), started

    return invoke


def served_line(output: str) -> str:
    """The line saying what is served, with its seconds as S."""
    return re.sub(r"after \d+\.\d s", "after S s", output.splitlines()[1])


def test_serve_runs_the_champion_where_params_yaml_says(command):
    result, started = command()

    assert result.exit_code == 0, result.output
    assert result.output.startswith(LISTENING.format("127.0.0.1:8000", "'champion'"))
    assert served_line(result.output) == (
        "serving tiny-model v1 (champion) at http://127.0.0.1:8000 after S s; "
        "docs at http://127.0.0.1:8000/docs"
    )
    [config] = started
    assert config.app.state.slot.current.version == "1"
    assert (config.host, config.port, config.access_log) == ("127.0.0.1", 8000, False)


def test_serve_takes_its_address_and_a_pinned_version_from_its_options(command):
    result, started = command("--host", "0.0.0.0", "--port", "9001", "--version", "2")

    assert result.exit_code == 0, result.output
    assert result.output.startswith(LISTENING.format("0.0.0.0:9001", "v2"))
    assert served_line(result.output).startswith("serving tiny-model v2 (pinned) at")
    [config] = started
    assert config.app.state.slot.current.version == "2"
    assert (config.host, config.port) == ("0.0.0.0", 9001)


def test_serve_follows_another_alias_when_told(served, command):
    served.registry.set_alias(served.name, "challenger", "2")

    result, _ = command("--alias", "challenger")

    assert served_line(result.output).startswith("serving tiny-model v2 (challenger) at")


def test_serve_reads_the_params_file_it_is_given(served, command):
    params = yaml.safe_load((served.project.root / "params.yaml").read_text())
    params["serve"] |= {"port": 8123, "alias": "old"}
    other = served.project.root / "other.yaml"
    other.write_text(yaml.safe_dump(params))
    served.registry.set_alias(served.name, "old", "2")

    result, started = command("--params", str(other))

    assert served_line(result.output).startswith("serving tiny-model v2 (old) at")
    assert started[0].port == 8123


def test_a_model_the_registry_lacks_is_one_error_line_and_exit_1(command):
    result, _ = command("--alias", "staging")

    assert result.exit_code == 1
    assert result.output == LISTENING.format("127.0.0.1:8000", "'staging'") + (
        "error: model 'tiny-model' has no alias 'staging' in memory://: run `make pipeline`, "
        "or check `make registry`\n"
    )


def test_a_registry_database_that_is_broken_is_one_line_at_start(served, monkeypatch, capfd):
    # Given a project on MLflow's local store, overwritten with random bytes
    import os

    from ml_playbook.project import ProjectSpec
    from tests.library.factory import build_model

    store = served.project.root / "mlflow.db"
    store.write_bytes(os.urandom(4096))
    monkeypatch.chdir(served.project.root)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    app = typer.Typer()
    register(Apps(app, typer.Typer()), ProjectSpec(package="tiny", build_model=build_model))
    app.command("noop", hidden=True)(lambda: None)

    # When it is served (a real server, on a free port)
    result = runner.invoke(app, ["serve", "--port", "0"])

    # Then it says so in one line naming the file and what to do, and exits 1
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        f"error: the registry database {store} is not an SQLite database: restore it from a "
        "backup, or move it aside and run `make pipeline` to start a new registry"
    ]
    assert "Traceback" not in capfd.readouterr().err


def test_serve_refuses_a_value_outside_the_training_range_when_params_yaml_says(
    tmp_path, trained, monkeypatch
):
    # Given a champion registered with its training ranges, and params.yaml that asks to
    # refuse values outside them
    import uvicorn

    ranged = serve_project(
        tmp_path / "project", trained[CLASSIFICATION], ranges=True, out_of_range="refuse"
    )
    answers = []

    def run(server):
        with AppClient(server.config.app) as client:
            row = {**ranged.row(tenure_months=5), "monthly_fee": 1e308}
            answers.append(client.post("/predict", {"rows": [row]}))

    monkeypatch.setattr(uvicorn.Server, "run", run)
    monkeypatch.chdir(ranged.project.root)
    app = typer.Typer()
    register(Apps(app, typer.Typer()), ranged.project.spec)
    app.command("noop", hidden=True)(lambda: None)

    # When it is served without the option
    result = runner.invoke(app, ["serve"])

    # Then the service refuses such a value
    assert result.exit_code == 0, result.output
    [answer] = answers
    assert answer.status == 422, answer.json()
    assert "above the largest value seen in training" in answer.json()["error"]
