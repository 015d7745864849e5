"""Cookiecutter and cruft users get the project copier makes, from the same template source.

cookiecutter.json is generated from copier.yml; hooks/post_gen_project.py renders template/ with
copier. So the trees must be identical: only cruft's own record (.cruft.json) may differ. And a
bad answer, or a missing copier, stops either tool with one line before it makes anything
(cookiecutter_to_copier.py).
"""

import filecmp
import logging
import shutil
import sys

import pytest
import yaml
from click.testing import CliRunner
from cookiecutter.cli import main as cookiecutter_command
from cookiecutter.main import cookiecutter
from copier import run_copy
from cruft import create as cruft_create
from cruft import update as cruft_update
from cruft._cli import app as cruft_app
from typer.testing import CliRunner as TyperRunner

from devtools import cookiecutter_json
from devtools.copier_questions import load_copier_config
from devtools.release_history import change_practices
from devtools.template_clone import commit_and_tag
from devtools.update_scenarios import commit_all, git, pins

pytestmark = pytest.mark.render

CRUFT_RECORD = ".cruft.json"
ANSWER_SETS = {
    "defaults": {},
    "non-default": {
        "project_name": "Spend Forecast",
        "ml_task": "regression",
        "sql_dialect": "snowflake",
        "ci_provider": "gitlab",
        "license": "Apache-2.0",
        "python_version": "3.12",
        "role_ml_engineer": "@lee, @acme/ml-platform",
        "role_data_engineer": "park@acme.example",
    },
}


@pytest.fixture
def template(template_repo):
    """The session's tagged clone of the working tree (only read: cookiecutter and cruft clone
    it, copier checks it out)."""
    return template_repo


@pytest.fixture(autouse=True)
def cookiecutter_config(tmp_path, monkeypatch):
    """Cookiecutter's clones and replays go to a temp dir, not the user's home."""
    config = tmp_path / "cookiecutter.yaml"
    config.write_text(
        yaml.safe_dump(
            {"cookiecutters_dir": str(tmp_path / "clones"), "replay_dir": str(tmp_path / "replay")}
        )
    )
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))


def differences(left, right, ignored=(CRUFT_RECORD,)) -> list[str]:
    """Paths that exist on one side only or whose bytes differ, recursively."""
    comparison = filecmp.dircmp(left, right, ignore=list(ignored))
    found = []

    def walk(node, prefix):
        found.extend(prefix + name for name in node.left_only + node.right_only)
        _, mismatched, errors = filecmp.cmpfiles(
            node.left, node.right, node.common_files, shallow=False
        )
        found.extend(prefix + name for name in mismatched + errors)
        for name, sub in node.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison, "")
    return sorted(found)


def test_cookiecutter_json_is_generated_from_copier_yml():
    assert cookiecutter_json.main(["--check"]) == 0


def test_a_changed_question_makes_cookiecutter_json_stale():
    config = load_copier_config()
    config["project_name"] = {**config["project_name"], "default": "Another Model"}

    assert (
        cookiecutter_json.render_cookiecutter_json(config)
        != cookiecutter_json.COOKIECUTTER_JSON.read_text()
    )


@pytest.mark.parametrize("answers", list(ANSWER_SETS.values()), ids=list(ANSWER_SETS))
def test_cookiecutter_and_copier_make_the_same_project(template, render, tmp_path, answers):
    url = f"git+{template.as_uri()}"
    by_copier = render(answers)  # copier from `url`, as the session renders it for every test

    by_cookiecutter = cookiecutter(
        url, no_input=True, extra_context=answers, output_dir=str(tmp_path / "cookiecutter")
    )

    assert differences(by_copier, by_cookiecutter) == []


def test_cruft_creates_the_same_project_and_updates_it_keeping_edits(template_repo, tmp_path):
    # A copy with its history: the test adds a release to it.
    template = shutil.copytree(template_repo, tmp_path / "ml-playbook", symlinks=True)
    by_copier = tmp_path / "copier" / "project"
    run_copy(str(template), by_copier, defaults=True, quiet=True)
    project = cruft_create(template.as_uri(), output_dir=tmp_path / "cruft", no_input=True)
    assert differences(by_copier, project) == []
    git(project, "init", "--quiet", "--initial-branch=main")
    notes = project / "notebooks" / "README.md"
    commit_all(project, "Start")
    notes.write_text(notes.read_text() + "\nOur notebooks are kept for one quarter.\n")
    commit_all(project, "Team edit")
    change_practices(template)
    commit_and_tag(template, "v99.0.0", "A newer release")

    assert cruft_update(project, skip_apply_ask=True, allow_untracked_files=True)

    assert "Our notebooks are kept for one quarter." in notes.read_text()
    assert (project / "CONTRIBUTING.md").is_file()
    assert pins(project) == {"answers": "v99.0.0", "package": "v99.0.0", "hooks": "v99.0.0"}
    assert not list(project.rglob("*.rej"))


@pytest.fixture
def cli(monkeypatch):
    """Runs cookiecutter's or cruft's command line in this process, as a user would type it."""
    # cookiecutter's command line points its logger at the runner's stdout, closed afterwards.
    monkeypatch.setattr(logging.getLogger("cookiecutter"), "handlers", [])
    runners = {
        "cookiecutter": (CliRunner(), cookiecutter_command),
        "cruft": (TyperRunner(), cruft_app),
    }

    def run(tool, *args):
        runner, command = runners[tool]
        return runner.invoke(command, list(args))

    return run


def refusal(result, output_dir) -> str:
    """The one line a refused run printed, once it is clear it printed nothing else and made
    nothing."""
    lines = result.output.splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    assert not list(output_dir.iterdir())
    return lines[0]


def test_cookiecutter_refuses_a_bad_answer_in_one_line_before_making_anything(
    template_folder, tmp_path, cli
):
    output_dir = tmp_path / "out"
    output_dir.mkdir()

    result = cli(
        "cookiecutter", "--no-input", str(template_folder), "package_name=class",
        "--output-dir", str(output_dir),
    )  # fmt: skip

    assert "'package_name'" in refusal(result, output_dir)


def test_cruft_refuses_a_bad_answer_in_one_line_before_making_anything(template, tmp_path, cli):
    output_dir = tmp_path / "out"
    output_dir.mkdir()

    result = cli(
        "cruft", "create", "--no-input", template.as_uri(),
        "--extra-context", '{"package_name": "class"}', "--output-dir", str(output_dir),
    )  # fmt: skip

    assert "'package_name'" in refusal(result, output_dir)


@pytest.mark.parametrize("tool", ["cookiecutter", "cruft"])
def test_without_copier_cookiecutter_and_cruft_say_in_one_line_how_to_install_it(
    tool, template, tmp_path, monkeypatch, cli
):
    # As where copier is not installed: neither it nor the filters it brings can be imported.
    monkeypatch.setitem(sys.modules, "copier", None)
    monkeypatch.setitem(sys.modules, "jinja2_ansible_filters", None)
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    command = {"cookiecutter": [str(template)], "cruft": ["create", template.as_uri()]}[tool]

    result = cli(tool, *command, "--no-input", "--output-dir", str(output_dir))

    assert f"uvx --with copier {tool}" in refusal(result, output_dir)
