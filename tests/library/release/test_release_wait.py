"""`release promote --wait URL` against the real service (uvicorn on loopback, in a thread):
the command returns once the service answers with the new champion, says how long that took,
and verifies it."""

import json
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from devtools.servers import running
from ml_playbook.modeling.metrics import CLASSIFICATION
from ml_playbook.project.paths import EVALUATION_SET
from ml_playbook.serving import loader
from ml_playbook.serving.service import build_service
from tests.library.release.projects import cli_app

runner = CliRunner()


@pytest.mark.parametrize("task", [CLASSIFICATION])  # one task: waiting does not depend on it
def test_promote_waits_until_the_service_serves_the_new_champion_then_verifies(
    released, monkeypatch
):
    monkeypatch.setattr(loader, "CHANGE_CHECK_SECONDS", 0.05)
    rows = pd.read_parquet(released.root / EVALUATION_SET).head(5)
    (released.root / "data/samples").mkdir(parents=True)
    rows.to_csv(released.root / "data/samples/golden.csv", index=False)
    monkeypatch.chdir(released.root)

    with running(build_service(released)) as port:
        url = f"http://127.0.0.1:{port}"
        result = runner.invoke(
            cli_app(released.spec),
            ["release", "promote", "2", "--force", "--reason", "try", "--wait", url],
        )

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "champion: v1 -> v2 (try)"
    assert re.fullmatch(rf"{url} serves v2 after \d+\.\d s; verifying", lines[1]), lines[1]
    assert lines[2] == f"{url}: answers match the offline predictions, latency within bounds"


@pytest.mark.parametrize("task", [CLASSIFICATION])
@pytest.mark.parametrize(
    "url", ["localhost:8000", "http://[::1", "http://127.0.0.1:port", "ftp://x"]
)
def test_a_wait_url_that_cannot_be_waited_on_is_one_line_and_champion_does_not_move(
    released, monkeypatch, url
):
    monkeypatch.chdir(released.root)
    app = cli_app(released.spec)

    result = runner.invoke(
        app, ["release", "promote", "2", "--force", "--reason", "x", "--wait", url]
    )

    assert result.exit_code == 1
    assert result.output == (
        f"error: '{url}' is not an http(s) URL: give e.g. http://127.0.0.1:8000\n"
    )
    status = runner.invoke(app, ["release", "status", "--json"])
    assert json.loads(status.output)["champion"] == "1"
