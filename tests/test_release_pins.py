"""The hook package and the hooks are pinned to the template release, and move together."""

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from copier import run_copy, run_update

from devtools.answers import asked
from devtools.project_lock import LOCK_TEMPLATE
from devtools.template_clone import (
    GIT_IDENTITY,
    TEMPLATE_ROOT,
    commit_and_tag,
    make_tagged_clone,
)

pytestmark = pytest.mark.render


def pins(project) -> tuple[str, str, str]:
    """(hook package rev, hooks rev, hooks repo) as the generated project records them."""
    sources = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["uv"]["sources"]
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    template_hooks = next(repo for repo in config["repos"] if repo["repo"] != "local")
    return sources["ml-playbook"]["rev"], template_hooks["rev"], template_hooks["repo"]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The template at v1.0.0, for tests that only copy from it."""
    return make_tagged_clone(tmp_path_factory.mktemp("template") / "ml-playbook", tag="v1.0.0")


@pytest.fixture
def releasing_template(template, tmp_path):
    """A copy of the template at v1.0.0 (its git history too) that a test adds releases to."""
    return shutil.copytree(template, tmp_path / "ml-playbook", symlinks=True)


def head_commit(repo) -> str:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def render(template, destination, **options):
    run_copy(f"git+{template.as_uri()}", destination, defaults=True, quiet=True, **options)
    return destination


@pytest.fixture(scope="module")
def released(template, tmp_path_factory):
    """A project copied from the template's git URL at the release tag (only read)."""
    return render(
        template,
        tmp_path_factory.mktemp("released") / "project",
        data={"project_name": "Churn Forecast"},
    )


@pytest.fixture(scope="module")
def unpacked(template, tmp_path_factory):
    """A project copied from the template unpacked outside git (a downloaded archive)."""
    folder = tmp_path_factory.mktemp("unpacked") / "ml-playbook"
    shutil.copytree(template, folder, ignore=shutil.ignore_patterns(".git"))
    project = tmp_path_factory.mktemp("from-unpacked") / "project"
    run_copy(str(folder), project, defaults=True, quiet=True)
    return project


def test_a_project_copied_from_a_clone_is_pinned_to_that_clone(template, tmp_path):
    run_copy(str(template), tmp_path / "project", defaults=True, quiet=True)

    assert pins(tmp_path / "project") == ("v1.0.0", "v1.0.0", template.as_uri())


def test_the_url_is_the_canonical_one_for_a_folder_outside_git(unpacked):
    assert pins(unpacked)[2] == "https://github.com/ml-playbook/ml-playbook"


def locked_sources(project) -> tuple[str, str]:
    """(the hook package's git source, the project's own name) as the project's uv.lock has them."""
    packages = tomllib.loads((project / "uv.lock").read_text())["package"]
    hooks = next(package for package in packages if package["name"] == "ml-playbook")
    own = next(package for package in packages if package["source"] == {"editable": "."})
    return hooks["source"]["git"], own["name"]


def test_the_starting_lock_names_the_pinned_release_its_commit_and_the_project(template, released):
    commit = head_commit(template)

    assert locked_sources(released) == (
        f"{template.as_uri()}?rev=v1.0.0#{commit}",
        "churn-forecast",
    )


def test_a_folder_outside_git_gets_no_starting_lock(unpacked):
    # A lock names the hook package's commit, which a folder outside git does not have.
    assert not (unpacked / "uv.lock").exists()
    assert (unpacked / "pyproject.toml").is_file()


def test_a_relative_source_is_refused_with_what_to_type_instead(template, tmp_path, monkeypatch):
    monkeypatch.chdir(template)

    with pytest.raises(ValueError, match=r'absolute path or URL, not \'\.\' \(e\.g\. "\$PWD"'):
        run_copy(".", tmp_path / "project", defaults=True, quiet=True)

    assert not (tmp_path / "project").exists()


HOSTILE_URLS = [
    'https://example.com/x", rev = "main',
    "https://example.com/x\n",
    "https://example.com/x y",
    "ftp://example.com/x",
    "https://example.com/x #comment",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_template_url_that_could_inject_or_break_the_pins_is_refused(template_folder, url):
    with pytest.raises(ValueError, match="must be a git URL"):
        asked(template_folder, {"template_repo_url": url})


def test_a_refused_template_url_copies_nothing(template, tmp_path):
    with pytest.raises(ValueError, match="must be a git URL"):
        render(template, tmp_path / "project", data={"template_repo_url": HOSTILE_URLS[0]})

    assert not (tmp_path / "project").exists()


def test_a_release_tag_pins_both_to_the_tag(template, released):
    assert pins(released) == ("v1.0.0", "v1.0.0", template.as_uri())


def test_a_commit_past_the_tag_pins_both_to_its_full_hash(releasing_template, tmp_path):
    template = releasing_template
    (template / "CHANGELOG.md").write_text("unreleased\n")
    commit_and_tag(template, "not-a-release", "unreleased change")
    head = head_commit(template)

    project = render(template, tmp_path / "project", vcs_ref="HEAD")

    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] != "v1.0.0"
    assert pins(project)[:2] == (head, head)
    assert locked_sources(project)[0] == f"{template.as_uri()}?rev={head}#{head}"
    # ...and the project's own detect-secrets hook does not take the hash for a secret.
    secrets = subprocess.run(
        ["detect-secrets-hook", "--", "pyproject.toml", ".pre-commit-config.yaml"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert secrets.returncode == 0, secrets.stdout


def test_a_release_tag_pin_carries_no_secrets_pragma(released):
    for name in ("pyproject.toml", ".pre-commit-config.yaml"):
        assert "pragma: allowlist secret" not in (released / name).read_text()


def test_copier_update_moves_both_pins_and_leaves_the_projects_lock_to_uv(
    releasing_template, tmp_path
):
    template = releasing_template
    project = render(template, tmp_path / "project")
    lock = project / "uv.lock"
    lock.write_text(lock.read_text() + "# the team's lock, after adding a dependency\n")
    commit_all(project)
    (template / "CHANGELOG.md").write_text("v1.1.0\n")
    commit_and_tag(template, "v1.1.0", "Release v1.1.0")

    run_update(project, defaults=True, overwrite=True, quiet=True)

    assert pins(project) == ("v1.1.0", "v1.1.0", template.as_uri())
    assert not list(project.rglob("*.rej"))
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v1.1.0"
    # The lock is the project's own, and its next `uv sync` re-locks the pin.
    assert lock.read_text().endswith("# the team's lock, after adding a dependency\n")
    assert "?rev=v1.0.0#" in lock.read_text()


def commit_all(project) -> None:
    for command in (["init", "--quiet"], ["add", "--all"], ["commit", "--quiet", "-m", "start"]):
        subprocess.run(
            ["git", *command], cwd=project, check=True, env={**os.environ, **GIT_IDENTITY}
        )


def make_template_source(
    released: Path, url: str, attempt: Path
) -> tuple[Path, subprocess.CompletedProcess]:
    """`make template-source URL=…` in a committed copy of `released`. Offline first: what is
    tested is where the pins and the lock point, not resolving, and from uv's cache `uvx` and
    `uv lock` answer in a second or two instead of ~15 s of index requests; where the offline
    run fails (uv's cache lacks a package, as on a fresh machine: uv words that several ways)
    it runs again on a fresh copy with the index, and that run's result is the test's."""
    for offline in (True, False):
        project = shutil.copytree(
            released, attempt / f"offline-{offline}" / "project", symlinks=True
        )
        commit_all(project)
        done = subprocess.run(
            ["make", "template-source", f"URL={url}"],
            cwd=project,
            capture_output=True,
            text=True,
            env={**os.environ, **GIT_IDENTITY, **({"UV_OFFLINE": "1"} if offline else {})},
        )
        if not (offline and done.returncode != 0):
            break
    return project, done


def test_make_template_source_moves_both_pins_and_the_update_source(template, released, tmp_path):
    shared = shutil.copytree(template, tmp_path / "shared" / "ml-playbook", symlinks=True)

    project, done = make_template_source(released, shared.as_uri(), tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert pins(project) == ("v1.0.0", "v1.0.0", shared.as_uri())
    assert answers["_src_path"] == shared.as_uri()
    assert answers["template_repo_url"] == shared.as_uri()
    assert f"{shared.as_uri()}?rev=v1.0.0" in (project / "uv.lock").read_text()


def test_make_template_source_without_a_url_says_what_to_type(released):
    done = subprocess.run(["make", "template-source"], cwd=released, capture_output=True, text=True)

    assert done.returncode != 0
    assert "make template-source URL=" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_starting_lock_holds_this_release_of_the_library():
    """uv trusts what a lock says of a git commit: a lock naming the new commit with the last
    release's version or dependencies would be installed as it is, and reinstalled on every
    `uv run`. `uv run python -m devtools.project_lock` writes it afresh."""
    text = LOCK_TEMPLATE.read_text(encoding="utf-8")
    entry = text[text.index('name = "ml-playbook"') :].split("\n[[package]]", 1)[0]
    pyproject = tomllib.loads((TEMPLATE_ROOT / "pyproject.toml").read_text())["project"]
    base = entry.split("[package.optional-dependencies]")[0]

    assert f'version = "{pyproject["version"]}"' in entry
    assert set(re.findall(r'\{ name = "([^"]+)"', base)) == {
        re.split(r"[<>=\[ ]", requirement)[0] for requirement in pyproject["dependencies"]
    }
