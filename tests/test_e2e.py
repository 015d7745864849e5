"""End to end, as a new user: generate a project with the template README's command, run the
commands its README promises (pipeline, tests), then what its docs promise after them: the
docs site, a DVC experiment, the commands of the answers, pre-commit's refusals, a fresh clone
from a DVC remote, the served champion, the notebook recipe. On the installed Python.

Answers unlike the defaults, updated from the first release, install and pass their own tests
in test_update_e2e.py; a shared MLflow server is in
tests/library/release/test_release_shared_server.py (engines)."""

import json
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from devtools.rendered import output_of, readme_commands, run_commands
from devtools.servers import free_port
from devtools.template_clone import TEMPLATE_ROOT, make_tagged_clone

pytestmark = pytest.mark.e2e
PRINTED: dict[str, str] = {}  # what each README command printed, filled by the fixture
# What a first run must not show: the tools' chatter and advice that does not apply yet.
NOISE = (
    "dvc push",
    "pip requirements",
    "WARNING",
    "Running with dbt",
    "Concurrency:",
    "Created version",
    "Traceback",
)


@pytest.fixture(scope="module")
def readme_clone(install_folder) -> Path:
    """The clone of the template a new user has, committed and tagged as this release, in a
    folder where the project it generates installs as on a user's machine (conftest.py)."""
    return make_tagged_clone(install_folder("e2e") / "ml-playbook")


@pytest.fixture(scope="module")
def project_after_readme(readme_clone, monkeypatch_module, bytecode_for) -> Path:
    """A project generated as a new user would (the template README's command, run literally in
    a clone of the template), in which its README's commands (pipeline, tests) have been run.

    No remote git host is reachable (git may only use local files), so the project must
    install and run from that clone alone. Its Python reads the bytecode this environment
    compiled (devtools/lent_bytecode.py): a cache, which changes how long, not what runs.
    """
    monkeypatch_module.setenv("GIT_ALLOW_PROTOCOL", "file")
    project = readme_clone.parent / "my-model"
    for name, value in bytecode_for(project / ".venv").items():
        monkeypatch_module.setenv(name, value)
    generate, _ = readme_commands(TEMPLATE_ROOT / "README.md")
    run_commands([generate], cwd=readme_clone)
    commands = readme_commands(project / "README.md")
    assert commands == ["make pipeline", "make test"]
    PRINTED.update(run_commands(commands, cwd=project))
    return project


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_readme_commands_leave_a_locked_committed_project(project_after_readme):
    project = project_after_readme

    assert (project / "uv.lock").is_file()
    # The project starts with the lock this release was tested with, and it was current:
    # installing took its versions as they were, without resolving them again.
    assert output_of(["git", "ls-files", "uv.lock"], project).strip() == "uv.lock"
    assert output_of(["git", "status", "--porcelain", "--", "uv.lock"], project) == ""
    assert (project / "dvc.lock").is_file()
    assert (project / ".git/hooks/pre-commit").is_file()
    assert output_of(["git", "log", "--oneline"], project).strip()


def test_the_pipeline_says_what_each_step_does_and_how_long_it_took_and_nothing_noisy(
    project_after_readme,
):
    printed = PRINTED["make pipeline"]
    stages = yaml.safe_load((project_after_readme / "dvc.yaml").read_text())["stages"]

    timed = [line for line in printed.splitlines() if " done in " in line]
    assert len(timed) >= len(stages), printed
    assert [line for line in printed.splitlines() if any(n in line for n in NOISE)] == []
    assert [line for line in printed.splitlines() if line.startswith(" + ")] == []  # uv's list


def test_the_pipeline_leaves_a_champion_in_the_registry(project_after_readme):
    project = project_after_readme
    package = next((project / "src").iterdir()).name

    registry = json.loads(output_of(["uv", "run", package, "registry", "show", "--json"], project))

    assert "champion" in registry["versions"][0]["aliases"]


def test_the_docs_build_and_their_commands_exist(project_after_readme):
    project = project_after_readme

    run_commands(["make docs"], cwd=project)

    assert (project / "site/process/index.html").is_file()


# Commands answers of docs/process.md name, cheap enough to run as written after the pipeline
# (its stages already ran `data synthesize` and `data generate`; `make test` ran sqlfluff).
RUN_AS_WRITTEN = ["uv run {package} sql show feat_customer_month", "uv run {package} sql test"]


def test_the_sql_commands_the_answers_name_run_as_written(project_after_readme):
    project = project_after_readme
    package = next((project / "src").iterdir()).name
    process = (project / "docs/process.md").read_text()

    for template in RUN_AS_WRITTEN:
        command = template.format(package=package)
        assert f"`{command}`" in process, f"no answer names `{command}` any more"
        run_commands([command], cwd=project)


def test_a_parameter_experiment_runs_with_dvc(project_after_readme):
    project = project_after_readme

    run_commands(["uv run dvc exp run -S train.hyperparameters.learning_rate=0.05"], cwd=project)

    assert "0.05" in output_of(["uv", "run", "dvc", "exp", "show", "--json"], project)


def test_a_project_copied_from_a_clone_is_pinned_to_that_clone(project_after_readme, readme_clone):
    project = project_after_readme

    assert f'git = "{readme_clone.as_uri()}"' in (project / "pyproject.toml").read_text()
    assert f"repo: {readme_clone.as_uri()}" in (project / ".pre-commit-config.yaml").read_text()


NOTEBOOK_WITH_OUTPUT = json.dumps(
    {
        "cells": [
            {
                "cell_type": "code",
                "source": ["1 + 1"],
                "metadata": {},
                "outputs": [{"output_type": "execute_result", "data": {"text/plain": ["2"]}}],
                "execution_count": 1,
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
)

# (file, content, the hook's message, whether a hook may rewrite the file to fix it)
BROKEN_CONVENTIONS = [
    # nbstripout clears the outputs (a fixer), so the commit stops for a re-stage
    (
        "notebooks/01-ab-explore.ipynb",
        NOTEBOOK_WITH_OUTPUT,
        "files were modified by this hook",
        True,
    ),
    ("notebooks/Untitled.ipynb", NOTEBOOK_WITH_OUTPUT, "<number>-<initials>-<topic>.ipynb", True),
    ("data/external/customers.csv", "id,email\n1,a@example.com\n", "uv run dvc add", False),
    ("queries/churn_report.sql", "select 1 as id\n", "SQL belongs in one of sql/staging/", False),
    ("sql/staging/customers.sql", "select 1 as id\n", "rename it stg_customers.sql", False),
    (
        "src/notes.py",
        "x = 1\n<<<<<<< before updating\ny = 2\n>>>>>>> after\n",
        "conflict marker",
        False,
    ),
    ("docs/contacts.md", "Call Minsu on 010-9876-5432.\n", "phone number 01*-****-**32", False),
    (
        "data/external/orders.csv.dvc",
        "outs:\n- md5: 0123456789abcdef0123456789abcdef\n  path: orders.csv\n",
        "data/external/orders.csv (added by data/external/orders.csv.dvc): no valid provenance",
        False,
    ),
]


def test_pre_commit_passes_then_refuses_each_broken_convention(project_after_readme):
    project = project_after_readme
    run_commands(["git add --all", "uv run pre-commit run --all-files"], cwd=project)

    # Given every broken file staged at once (one run of the hooks: each starts once)
    for relative, content, _, _ in BROKEN_CONVENTIONS:
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    relatives = [relative for relative, *_ in BROKEN_CONVENTIONS]
    subprocess.run(["git", "add", "--", *relatives], cwd=project, check=True)

    done = subprocess.run(
        ["uv", "run", "pre-commit", "run", "--files", *relatives],
        cwd=project,
        capture_output=True,
        text=True,
    )

    # Then each convention's hook refused its file, in its own words, and only fixers rewrote
    assert done.returncode == 1, done.stdout
    for relative, content, message, may_fix in BROKEN_CONVENTIONS:
        assert message in done.stdout, f"{relative}: no `{message}` in\n{done.stdout}"
        assert may_fix or (project / relative).read_text() == content, f"{relative} was modified"
    for relative in relatives:
        (project / relative).unlink()
    subprocess.run(["git", "rm", "--cached", "--quiet", "--", *relatives], cwd=project, check=True)


def test_a_fresh_clone_pulls_from_a_dvc_remote_and_reproduces_the_metrics(
    project_after_readme, tmp_path
):
    project, remote, clone = project_after_readme, tmp_path / "remote", tmp_path / "clone"
    run_commands(
        [
            f"uv run dvc remote add --default --force shared '{remote}'",
            "uv run dvc push --quiet",
            "git add --all && git commit --quiet --no-verify -m 'Pipeline outputs and a DVC remote'",
            f"git clone --quiet . '{clone}'",
        ],
        cwd=project,
    )

    # The clone runs on the project's environment: installing one from the same lock is what
    # the README commands above proved; a second would only compile the stack's bytecode again.
    environment = f"UV_PROJECT_ENVIRONMENT='{project / '.venv'}'"
    run_commands(
        [
            f"{environment} uv run --no-sync dvc pull --quiet",
            f"{environment} uv run --no-sync dvc repro --force --single-item evaluate",
        ],
        cwd=clone,
    )

    status = output_of(
        ["env", f"UV_PROJECT_ENVIRONMENT={project / '.venv'}", "uv", "run", "--no-sync", "dvc"]
        + ["status", "evaluate"],
        clone,
    )
    assert "up to date" in status, status
    assert json.loads((clone / "reports/metrics.json").read_text()) == json.loads(
        (project / "reports/metrics.json").read_text()
    )


def test_the_images_command_serves_the_champion_and_release_verify_passes(project_after_readme):
    """The Dockerfile's CMD (on loopback: no Docker engine here), then the post-deploy check."""
    project = project_after_readme
    package = next((project / "src").iterdir()).name
    command = re.search(r"^CMD (\[.*\])$", (project / "Dockerfile").read_text(), re.M)
    served = [*json.loads(command.group(1))]
    port = free_port()
    served[served.index("--host") + 1], served[served.index("--port") + 1] = "127.0.0.1", str(port)
    url = f"http://127.0.0.1:{port}"

    service = subprocess.Popen(
        ["uv", "run", "--no-sync", *served],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and service.poll() is None:
            try:
                with urllib.request.urlopen(f"{url}/ready", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        verified = subprocess.run(
            ["uv", "run", "--no-sync", package, "release", "verify", url],
            cwd=project,
            capture_output=True,
            text=True,
        )
    finally:
        service.terminate()
        output = service.communicate(timeout=30)[0].decode()

    assert served[0] == package
    assert verified.returncode == 0, verified.stdout + verified.stderr + output
    assert "answers match the offline predictions" in verified.stdout


def test_the_notebook_recipe_of_q22_reads_the_projects_runs(project_after_readme):
    project = project_after_readme
    process = (project / "docs/process.md").read_text()
    recipe = re.search(r"```python\n(.*?)```", process.split('id="q22"')[1], re.S).group(1)
    (project / "notebooks").mkdir(exist_ok=True)

    done = subprocess.run(
        ["uv", "run", "--no-sync", "python", "-c", recipe + "\nprint(len(runs))"],
        cwd=project / "notebooks",
        capture_output=True,
        text=True,
    )

    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip().splitlines()[-1]) >= 1
