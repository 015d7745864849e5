"""Cookiecutter and cruft users get the project copier makes, from the same template source.

cookiecutter.json is generated from copier.yml; hooks/post_gen_project.py renders template/ with
copier. So the trees must be identical: only cruft's own record (.cruft.json) may differ.
"""

import filecmp

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter
from copier import run_copy
from cruft import create as cruft_create
from cruft import update as cruft_update

from devtools import cookiecutter_json
from devtools.copier_questions import load_copier_config
from devtools.release_history import change_practices
from devtools.template_clone import commit_and_tag, make_tagged_clone
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


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_tagged_clone(tmp_path_factory.mktemp("cookiecutter") / "ml-playbook")


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
def test_cookiecutter_and_copier_make_the_same_project(template, tmp_path, answers):
    url = f"git+{template.as_uri()}"
    by_copier = tmp_path / "copier" / "project"
    run_copy(url, by_copier, data=answers, defaults=True, quiet=True)

    by_cookiecutter = cookiecutter(
        url, no_input=True, extra_context=answers, output_dir=str(tmp_path / "cookiecutter")
    )

    assert differences(by_copier, by_cookiecutter) == []


def test_cruft_creates_the_same_project_and_updates_it_keeping_edits(tmp_path):
    template = make_tagged_clone(tmp_path / "ml-playbook")
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


def test_a_refused_answer_stops_cookiecutter_with_the_validator_message(template, tmp_path, capfd):
    with pytest.raises(FailedHookException):
        cookiecutter(
            str(template),
            no_input=True,
            extra_context={"package_name": "class"},
            output_dir=str(tmp_path / "out"),
        )

    out = capfd.readouterr().out
    assert "error: " in out and "package_name" in out and "Traceback" not in out
    assert not list((tmp_path / "out").glob("*/src"))
