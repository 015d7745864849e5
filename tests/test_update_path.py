"""The upgrade path: projects a team has changed, updated to later template releases.

The releases are built by devtools.release_history on a clone of the working tree: the base
release (the tree as it is), a patch that adds a question, a minor release that changes
practices (Makefile, README, pre-commit, a new file) and a release that renames a file
through a migration. `uv run python -m benchmarks.update_path` prints the time per update.
"""

import shutil
import subprocess

import pytest
import yaml
from copier.errors import UnsafeTemplateError, UserMessageError

from devtools import question_rule
from devtools import release_history as releases
from devtools.question_rule import changes_beyond_the_version, check_update
from devtools.release_history import build_release_history
from devtools.template_clone import commit_and_tag
from devtools.update_scenarios import (
    DELETED_BY_TEAM,
    changed_files,
    commit_all,
    edit_description,
    edit_renamed_file,
    pins,
    start_project,
    team_edits,
    update,
)
from ml_playbook.hooks import check_update_leftovers

pytestmark = pytest.mark.render


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    # Only what copier reads: each update checks the template out five times.
    return build_release_history(
        tmp_path_factory.mktemp("history") / "ml-playbook", render_only=True
    )


@pytest.fixture(scope="module")
def base_project(history, tmp_path_factory):
    """A project started at the base release with defaults and committed (only read)."""
    return start_project(history.url, history.base, tmp_path_factory.mktemp("base") / "project")


@pytest.fixture
def base_alone(history, tmp_path):
    """A clone of the history at its base release, the later releases' tags dropped: for a test
    that makes a next release of its own (a git clone, cheaper than committing the tree anew)."""
    repo = tmp_path / "ml-playbook"
    subprocess.run(
        ["git", "clone", "--quiet", "--branch", history.base, str(history.repo), str(repo)],
        check=True,
        capture_output=True,
    )
    later = (history.patch, history.minor, history.rename)
    subprocess.run(["git", "tag", "--delete", *later], cwd=repo, check=True, capture_output=True)
    return repo


@pytest.fixture(scope="module")
def team_base(base_project, tmp_path_factory):
    project = tmp_path_factory.mktemp("team") / "project"
    shutil.copytree(base_project, project, symlinks=True)
    return project, team_edits(project)


@pytest.fixture(scope="module")
def minor_base(history, tmp_path_factory):
    return start_project(history.url, history.minor, tmp_path_factory.mktemp("minor") / "project")


@pytest.fixture
def at_minor(minor_base, tmp_path):
    """A project started at the minor release, committed (a fresh copy)."""
    return shutil.copytree(minor_base, tmp_path / "project", symlinks=True)


@pytest.fixture
def team_project(team_base, tmp_path):
    """A project at the base release that the team has changed and committed (a fresh copy)."""
    project, edits = team_base
    return shutil.copytree(project, tmp_path / "project", symlinks=True), edits


def leftovers(project) -> list[str]:
    """Files holding what `copier update` leaves when it cannot merge: .rej files, markers."""
    rejects = [str(path.relative_to(project)) for path in project.rglob("*.rej")]
    marked = [
        name
        for name in changed_files(project)
        if (project / name).is_file() and check_update_leftovers.main([str(project / name)]) != 0
    ]
    return rejects + marked


def assert_pins_at(project, tag):
    assert pins(project) == {"answers": tag, "package": tag, "hooks": tag}


def commit_of(repo, ref: str) -> str:
    return subprocess.run(
        ["git", "rev-parse", f"{ref}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_a_clone_of_only_what_copier_reads_renders_what_the_full_clone_renders(
    history, base_project, render, template_repo
):
    """The history holds only template_clone.RENDER_INPUTS; its base release is the working
    tree, so its render is the full clone's, but for the clone's URL and commit."""
    full = render()
    same_place = {
        history.repo.as_uri(): template_repo.as_uri(),
        commit_of(history.repo, history.base): commit_of(template_repo, "HEAD"),
    }
    names = sorted(
        path.relative_to(base_project).as_posix()
        for path in base_project.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(base_project).parts
    )

    assert names == sorted(
        path.relative_to(full).as_posix() for path in full.rglob("*") if path.is_file()
    )
    for name in names:
        text = (base_project / name).read_bytes()
        for ours, theirs in same_place.items():
            text = text.replace(ours.encode(), theirs.encode())
        assert text == (full / name).read_bytes(), name


def test_a_minor_release_brings_its_practices_keeps_every_edit_and_marks_a_line_both_changed(
    history, team_project, capsys
):
    project, edits = team_project
    edit_description(project)  # the README line the minor release changes too
    capsys.readouterr()

    update(project, history.minor)

    assert edits.lost(project) == []
    assert f"\n{releases.MAKE_TARGET}: ##" in (project / "Makefile").read_text()
    readme = (project / "README.md").read_text()
    assert releases.README_LINE in readme
    hooks = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())["repos"]
    assert releases.PRE_COMMIT_HOOK_ID in [hook["id"] for repo in hooks for hook in repo["hooks"]]
    assert (project / releases.NEW_FILE).read_text() == releases.NEW_FILE_TEXT
    assert not (project / DELETED_BY_TEAM).exists()
    # Only the line both sides changed is left to a person: markers that the hook refuses.
    assert "<<<<<<< before updating" in readme and ">>>>>>> after updating" in readme
    assert leftovers(project) == ["README.md"]
    assert "README.md" in capsys.readouterr().out
    assert not list(project.rglob("*.rej"))
    assert_pins_at(project, history.minor)


def test_releases_can_be_skipped_and_a_rename_keeps_the_team_edits_with_trust(
    history, team_project
):
    project, edits = team_project
    old, new = releases.RENAMED
    notebook_text = edit_renamed_file(project)

    update(project, history.rename, trust=True)

    assert (project / new).read_text() == notebook_text
    assert not (project / old).exists()
    assert edits.lost(project) == []
    assert f"\n{releases.MAKE_TARGET}: ##" in (project / "Makefile").read_text()
    assert leftovers(project) == []
    assert_pins_at(project, history.rename)


def test_a_rename_release_without_trust_is_refused_and_changes_nothing(at_minor, history):
    project = at_minor

    with pytest.raises(UnsafeTemplateError, match="migrations"):
        update(project, history.rename)

    assert changed_files(project) == []
    assert_pins_at(project, history.minor)


def test_a_file_the_team_deleted_is_not_brought_back_by_its_rename(at_minor, history):
    project = at_minor
    old, new = releases.RENAMED
    (project / old).unlink()
    commit_all(project, "We do not keep notebooks")

    update(project, history.rename, trust=True)

    assert not (project / old).exists()
    assert not (project / new).exists()
    assert leftovers(project) == []


def test_updates_one_release_at_a_time_keep_every_edit(history, team_project):
    project, edits = team_project

    for tag in (history.patch, history.minor, history.rename):
        update(project, tag, trust=True)
        assert leftovers(project) == [], tag
        commit_all(project, f"Template {tag}")

    assert edits.lost(project) == []
    assert_pins_at(project, history.rename)


def test_a_dirty_project_is_refused_before_anything_changes(history, team_project):
    project, _ = team_project
    (project / "README.md").write_text("work in progress\n")

    with pytest.raises(UserMessageError, match="dirty"):
        update(project, history.minor)

    assert (project / "README.md").read_text() == "work in progress\n"
    assert_pins_at(project, history.base)


def test_a_file_a_release_drops_is_deleted_even_with_the_team_edits(history, base_alone, tmp_path):
    """Copier's behaviour that makes removals and renames major releases (docs/maintainers.md)."""
    repo = base_alone
    project = start_project(f"git+{repo.as_uri()}", history.base, tmp_path / "project")
    edit_renamed_file(project)
    (repo / "template" / releases.RENAMED[0]).unlink()
    commit_and_tag(repo, history.minor, "A release that drops a file")

    update(project, history.minor)

    assert not (project / releases.RENAMED[0]).exists()
    assert leftovers(project) == []


# The maintainers' rule: a new question's default reproduces the previous output.


def test_a_new_question_that_keeps_the_output_changes_nothing_but_the_version(history, tmp_path):
    changes = check_update(history.url, history.base, history.patch, tmp_path)

    assert changes == []
    # What it left out is the version lines: counted without the two versions, they are changes.
    assert changes_beyond_the_version(tmp_path / "untouched", ()) != []


def test_a_new_question_that_changes_the_output_is_reported(history, base_alone, tmp_path):
    repo = base_alone
    releases.add_question(repo, default=True)
    commit_and_tag(repo, history.patch, "A question whose default adds a file")

    changes = check_update(f"git+{repo.as_uri()}", history.base, history.patch, tmp_path)

    assert changes and all(line.startswith(f"{releases.ADDED_FILE}: +") for line in changes)


def test_the_rule_check_names_a_reference_it_cannot_find(capsys):
    assert question_rule.main(["no-such-release"]) == 2
    assert capsys.readouterr().out == (
        "error: 'no-such-release' is not a tag or commit of this repository.\n"
    )
