"""The hook package and the hooks are pinned to the template release, and move together."""

import subprocess
import tomllib

import pytest
import yaml
from copier import run_copy, run_update

from devtools.template_clone import GIT_IDENTITY, commit_and_tag, make_tagged_clone


def pins(project) -> tuple[str, str, str]:
    """(hook package rev, hooks rev, hooks repo) as the generated project records them."""
    sources = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["uv"]["sources"]
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    template_hooks = next(repo for repo in config["repos"] if repo["repo"] != "local")
    return sources["ml-playbook"]["rev"], template_hooks["rev"], template_hooks["repo"]


@pytest.fixture
def template(tmp_path):
    return make_tagged_clone(tmp_path / "ml-playbook", tag="v1.0.0")


def render(template, destination, **options):
    run_copy(f"git+{template.as_uri()}", destination, defaults=True, quiet=True, **options)
    return destination


def test_the_url_defaults_to_the_canonical_one_when_copied_from_a_folder(template, tmp_path):
    run_copy(str(template), tmp_path / "project", defaults=True, quiet=True)

    assert pins(tmp_path / "project")[2] == "https://github.com/ml-playbook/ml-playbook"


def test_a_release_tag_pins_both_to_the_tag(template, tmp_path):
    project = render(template, tmp_path / "project")

    assert pins(project) == ("v1.0.0", "v1.0.0", template.as_uri())


def test_a_commit_past_the_tag_pins_both_to_its_full_hash(template, tmp_path):
    (template / "CHANGELOG.md").write_text("unreleased\n")
    commit_and_tag(template, "not-a-release", "unreleased change")
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=template, capture_output=True, text=True, check=True
    ).stdout.strip()

    project = render(template, tmp_path / "project", vcs_ref="HEAD")

    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] != "v1.0.0"
    assert pins(project)[:2] == (head, head)


def test_copier_update_moves_both_pins_to_the_new_release(template, tmp_path):
    project = render(template, tmp_path / "project")
    env = {**GIT_IDENTITY}
    for command in (["init", "--quiet"], ["add", "--all"], ["commit", "--quiet", "-m", "start"]):
        subprocess.run(
            ["git", *command], cwd=project, check=True, env={**env, "PATH": "/usr/bin:/bin"}
        )
    (template / "CHANGELOG.md").write_text("v1.1.0\n")
    commit_and_tag(template, "v1.1.0", "Release v1.1.0")

    run_update(project, defaults=True, overwrite=True, quiet=True)

    assert pins(project) == ("v1.1.0", "v1.1.0", template.as_uri())
    assert not list(project.rglob("*.rej"))
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v1.1.0"
