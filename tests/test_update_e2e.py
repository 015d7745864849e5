"""A project updated across a release installs, lints and passes its own tests: made from
v0.1.0, changed by the team where the release moves code (a machinery file), then updated with
`copier update --trust` to this release — the heaviest update there is."""

import subprocess

import pytest

from devtools.previous_release import PREVIOUS_TAG, make_previous_then_current
from devtools.template_clone import release_tag
from devtools.update_scenarios import commit_all, start_project, update

pytestmark = pytest.mark.e2e

PACKAGE = "my_model"
TEAM_CHANGE = (
    '\n\ndef retries() -> int:\n    """Our team\'s change: retry twice."""\n    return 2\n'
)


def test_the_updated_project_installs_lints_and_passes_its_own_tests(tmp_path):
    repo = make_previous_then_current(tmp_path / "releases" / "ml-playbook")
    project = start_project(f"git+{repo.as_uri()}", PREVIOUS_TAG, tmp_path / "project")
    app = project / f"src/{PACKAGE}/serving/app.py"
    app.write_text(app.read_text() + TEAM_CHANGE)
    commit_all(project, "Our change to the service")

    update(project, release_tag(), trust=True)
    for command in (["uv", "sync", "--quiet"], ["make", "test"]):
        done = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, (
            f"{' '.join(command)}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )

    assert (project / "ml-playbook-kept" / f"src/{PACKAGE}/serving/app.py").is_file()
