"""Projects made before the library took the machinery move over with `copier update --trust`:
machinery files the team had not changed are removed, the ones it had changed are kept in
ml-playbook-kept/ and listed with what replaces them, files it added where machinery was are
named, the synthetic source moves with the team's edits, and nothing else of the team's is lost.
"""

import shutil

import pytest
from copier import run_update

from devtools.previous_release import PREVIOUS_TAG, make_previous_then_current
from devtools.template_clone import release_tag
from devtools.update_scenarios import commit_all, start_project

pytestmark = pytest.mark.render

PACKAGE = "my_model"
MACHINERY = [
    f"src/{PACKAGE}/serving/app.py",
    f"src/{PACKAGE}/evaluation/sets.py",
    f"src/{PACKAGE}/models/registry.py",
    f"src/{PACKAGE}/paths.py",
    "tests/test_serving.py",
]
# The team's change, as its pre-commit hooks leave it (formatted).
TEAM_LINE = '\n\ndef retries() -> int:\n    """Our team\'s change: retry twice."""\n    return 2\n'


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    # Only what copier reads: an update and its migration check the template out seven times.
    repo = make_previous_then_current(
        tmp_path_factory.mktemp("releases") / "ml-playbook", render_only=True
    )
    return f"git+{repo.as_uri()}"


@pytest.fixture(scope="module")
def previous_project(releases, tmp_path_factory):
    """A default project made from v0.1.0 and committed."""
    return start_project(releases, PREVIOUS_TAG, tmp_path_factory.mktemp("previous") / "project")


@pytest.fixture
def project(previous_project, tmp_path):
    return shutil.copytree(previous_project, tmp_path / "project", symlinks=True)


def update(project, releases) -> None:
    run_update(
        project,
        vcs_ref=release_tag(),
        defaults=True,
        overwrite=True,
        unsafe=True,  # the release's migrations run commands: --trust
        quiet=True,
    )


def test_a_project_the_team_left_alone_loses_the_machinery_and_gains_the_thin_shape(
    releases, project
):
    update(project, releases)

    assert not any((project / name).exists() for name in MACHINERY)
    assert not (project / f"src/{PACKAGE}/serving").exists()
    for name in ("model.py", "extend.py", "synthetic.py", "stages/train.py"):
        assert (project / f"src/{PACKAGE}" / name).is_file(), name
    assert not (project / "ml-playbook-kept").exists()
    assert "ml-playbook[project]" in (project / "pyproject.toml").read_text()
    assert "\ndata:\n  table: feat_customer_month\n" in (project / "params.yaml").read_text()


def test_machinery_the_team_changed_is_kept_and_listed_with_what_replaces_it(releases, project):
    for name in MACHINERY[:2]:
        (project / name).write_text((project / name).read_text() + TEAM_LINE)
    added = project / f"src/{PACKAGE}/serving/retries.py"
    added.write_text('"""Our retries."""\n')
    ours = project / "tests/test_our_metric.py"
    ours.write_text(
        f"from {PACKAGE}.models.metrics import METRICS\n\n\ndef test_it():\n    assert METRICS\n"
    )
    synthetic = project / f"src/{PACKAGE}/data/synthetic.py"
    synthetic.write_text(synthetic.read_text() + TEAM_LINE)
    commit_all(project, "Our changes")

    update(project, releases)

    kept = project / "ml-playbook-kept"
    for name in MACHINERY[:2]:
        assert (kept / name).read_text().endswith(TEAM_LINE), name
        assert not (project / name).exists(), f"{name} is left where it was imported from"
    listing = (kept / "README.md").read_text()
    assert f"| `src/{PACKAGE}/serving/app.py` | ml_playbook.serving" in listing
    assert f"| `src/{PACKAGE}/evaluation/sets.py` | ml_playbook.evaluation" in listing
    assert f"- `src/{PACKAGE}/serving/retries.py`" in listing
    assert "- `tests/test_our_metric.py`" in listing  # imports a module the release removed
    assert added.is_file()
    assert not (kept / MACHINERY[2]).exists()  # unchanged: removed, not kept
    assert (project / f"src/{PACKAGE}/synthetic.py").read_text().endswith(TEAM_LINE)


def test_without_trust_copier_refuses_before_changing_anything(releases, project):
    from copier.errors import UnsafeTemplateError

    before = sorted(
        p.relative_to(project).as_posix() for p in project.rglob("*") if ".git" not in p.parts
    )

    with pytest.raises(UnsafeTemplateError):
        run_update(
            project,
            vcs_ref=release_tag(),
            defaults=True,
            overwrite=True,
            quiet=True,
        )

    after = sorted(
        p.relative_to(project).as_posix() for p in project.rglob("*") if ".git" not in p.parts
    )
    assert after == before
