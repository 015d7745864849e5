"""Files for outgrowing one machine: the shared MLflow server's compose file and Make targets."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.render


def check_jsonschema(*arguments: str) -> subprocess.CompletedProcess:
    tool = Path(sys.executable).parent / "check-jsonschema"
    return subprocess.run([str(tool), *arguments], capture_output=True, text=True, check=False)


def test_the_mlflow_compose_file_is_valid_compose_and_keeps_secrets_out(render):
    project = render()
    compose = project / "deploy/mlflow/compose.yaml"

    done = check_jsonschema("--builtin-schema", "vendor.compose-spec", str(compose))

    assert done.returncode == 0, done.stdout + done.stderr
    services = yaml.safe_load(compose.read_text())["services"]
    assert set(services) == {"db", "mlflow"}
    password = services["db"]["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${MLFLOW_DB_PASSWORD:?"), (
        "the password must come from the environment"
    )


def test_the_makefile_runs_a_lean_server_and_switches_template_pins(render):
    project = render()

    listed = subprocess.run(["make"], cwd=project, capture_output=True, text=True, check=True)
    dry = subprocess.run(
        ["make", "-n", "mlflow-server", "BACKEND=postgresql+psycopg://db/mlflow", "PORT=5555"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "mlflow-server" in listed.stdout and "template-source" in listed.stdout
    assert "MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false" in dry and "--workers 1" in dry
    assert "--backend-store-uri 'postgresql+psycopg://db/mlflow'" in dry and "--port 5555" in dry
