"""`serve` starts uvicorn on the registry's model, with the address and version its options
or params.yaml give, after saying what it serves; a model it cannot find is one error line."""

import pytest
import typer
import yaml
from typer.testing import CliRunner

from ml_playbook.cli.common import Apps
from ml_playbook.cli.serve import register

runner = CliRunner()


@pytest.fixture
def command(served, monkeypatch):
    """The project's command with `serve`, run in the project; uvicorn.run records its call."""
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.append((app, options)))
    monkeypatch.chdir(served.project.root)
    app = typer.Typer()
    register(Apps(app, typer.Typer()), served.project.spec)
    app.command("noop", hidden=True)(lambda: None)  # keeps `serve` a subcommand

    def invoke(*arguments: str):
        return runner.invoke(app, ["serve", *arguments]), started

    return invoke


def test_serve_runs_the_champion_where_params_yaml_says(command):
    result, started = command()

    assert result.exit_code == 0, result.output
    assert result.output == "serving tiny-model v1 (champion)\n"
    [(app, options)] = started
    assert app.state.slot.current.version == "1"
    assert options == {
        "host": "127.0.0.1",
        "port": 8000,
        "access_log": False,
        "log_level": "warning",
    }


def test_serve_takes_its_address_and_a_pinned_version_from_its_options(command):
    result, started = command("--host", "0.0.0.0", "--port", "9001", "--version", "2")

    assert result.exit_code == 0, result.output
    assert result.output == "serving tiny-model v2 (pinned)\n"
    [(app, options)] = started
    assert app.state.slot.current.version == "2"
    assert (options["host"], options["port"]) == ("0.0.0.0", 9001)


def test_serve_follows_another_alias_when_told(served, command):
    served.registry.set_alias(served.name, "challenger", "2")

    result, _ = command("--alias", "challenger")

    assert result.output == "serving tiny-model v2 (challenger)\n"


def test_serve_reads_the_params_file_it_is_given(served, command):
    params = yaml.safe_load((served.project.root / "params.yaml").read_text())
    params["serve"] |= {"port": 8123, "alias": "old"}
    other = served.project.root / "other.yaml"
    other.write_text(yaml.safe_dump(params))
    served.registry.set_alias(served.name, "old", "2")

    result, started = command("--params", str(other))

    assert result.output == "serving tiny-model v2 (old)\n"
    assert started[0][1]["port"] == 8123


def test_a_model_the_registry_lacks_is_one_error_line_and_no_server(command):
    result, started = command("--alias", "staging")

    assert result.exit_code == 1
    assert result.output == (
        "error: model 'tiny-model' has no alias 'staging' in memory://: run `make pipeline`, "
        "or check `make registry`\n"
    )
    assert started == []
