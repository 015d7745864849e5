"""Rendering over the option matrix: given answers, when the template renders, then the tree is right."""

import ast
import json
import tomllib

import pytest
import yaml

from devtools.copier_questions import asked_questions, choice_values, questions
from devtools.rendered import leftover_jinja, run_module, text_files

pytestmark = pytest.mark.render

QUESTIONS = asked_questions()


class TaggedLoader(yaml.SafeLoader):
    """Safe YAML that accepts (without running) tags like mkdocs.yml's !!python/name."""


TaggedLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
CHOICE_QUESTIONS = {
    name: choice_values(spec) for name, spec in QUESTIONS.items() if "choices" in spec
}


def _answer_sets() -> list[dict]:
    """Defaults, then enough sets that every choice of every choice question appears at least once."""
    widest = max(len(values) for values in CHOICE_QUESTIONS.values())
    rotated = [
        {name: values[i % len(values)] for name, values in CHOICE_QUESTIONS.items()}
        for i in range(widest)
    ]
    return [{}, *rotated]


ANSWER_SETS = _answer_sets()


@pytest.fixture(scope="module", params=range(len(ANSWER_SETS)), ids=lambda i: f"answers{i}")
def rendered(request, render):
    answers = ANSWER_SETS[request.param]
    return answers, render(answers, name=f"answers{request.param}")


def test_the_matrix_covers_every_choice():
    for name, values in CHOICE_QUESTIONS.items():
        covered = {answers.get(name) for answers in ANSWER_SETS}
        assert set(values) <= covered, name


def test_no_template_syntax_is_left(rendered):
    _, project = rendered

    assert leftover_jinja(project, list(questions())) == []


def test_the_leftover_check_finds_unrendered_answers(tmp_path):
    (tmp_path / "notes.md").write_text("runtime {{ ref('x') }} and ${{ matrix.os }} are fine\n")
    (tmp_path / "bad.py").write_text("name = '{{ package_name }}'\n{% if ml_task %}\n")

    found = leftover_jinja(tmp_path, list(questions()))

    assert found == ["bad.py:1: name = '{{ package_name }}'", "bad.py:2: {% if ml_task %}"]


def test_answers_file_records_every_asked_question_and_the_release(rendered, release):
    answers, project = rendered

    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())

    assert set(recorded) == set(QUESTIONS) | {"_commit", "_src_path"}
    assert recorded["_commit"] == release
    for name, value in answers.items():
        assert recorded[name] == value


def test_every_python_toml_yaml_and_json_file_parses(rendered):
    _, project = rendered
    parsers = {
        ".py": ast.parse,
        ".toml": tomllib.loads,
        ".yaml": lambda text: list(yaml.load_all(text, Loader=TaggedLoader)),
        ".yml": lambda text: list(yaml.load_all(text, Loader=TaggedLoader)),
        ".json": json.loads,
    }
    parsed = 0
    for path, text in text_files(project):
        parse = parsers.get(path.suffix)
        if parse:
            parse(text)
            parsed += 1

    assert parsed >= 8


def test_ci_files_follow_the_ci_provider(rendered):
    answers, project = rendered
    provider = answers.get("ci_provider", QUESTIONS["ci_provider"]["default"])

    assert (project / ".github/workflows/ci.yml").is_file() == (provider == "github")
    assert (project / ".gitlab-ci.yml").is_file() == (provider == "gitlab")
    assert not (project / ".github").exists() or provider == "github"


@pytest.mark.parametrize(
    ("license_id", "first_words"),
    [
        ("MIT", "MIT License"),
        ("Apache-2.0", "Apache License"),
        ("BSD-3-Clause", "BSD 3-Clause License"),
        ("Proprietary", "Copyright (c)"),
    ],
)
def test_license_text_and_metadata_follow_the_license(render, license_id, first_words):
    project = render({"license": license_id, "organisation": "Acme Analytics"})

    text = (project / "LICENSE").read_text()
    metadata = tomllib.loads((project / "pyproject.toml").read_text())["project"]

    assert text.lstrip().startswith(first_words)
    assert "Acme Analytics" in text or license_id == "Apache-2.0"
    expected_id = "LicenseRef-Proprietary" if license_id == "Proprietary" else license_id
    assert metadata["license"] == expected_id


def test_python_version_sets_the_interpreter_and_the_lint_target(rendered):
    answers, project = rendered
    version = answers.get("python_version", QUESTIONS["python_version"]["default"])

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())

    assert (project / ".python-version").read_text().strip() == version
    assert pyproject["project"]["requires-python"] == f">={version}"
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + version.replace(".", "")


def test_names_derive_from_the_project_name(render):
    project = render({"project_name": "Churn Model 2"})

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())

    assert pyproject["project"]["name"] == "churn-model-2"
    assert pyproject["project"]["scripts"] == {"churn_model_2": "churn_model_2.cli:app"}
    assert (project / "src/churn_model_2/cli.py").is_file()


def test_text_answers_with_quotes_stay_valid_toml_and_python(render):
    project = render(
        {"description": 'Predicts "churn" \\ for C:\\data users', "author_name": "O'Neil"}
    )

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())

    assert pyproject["project"]["description"] == 'Predicts "churn" \\ for C:\\data users'
    assert pyproject["project"]["authors"][0]["name"] == "O'Neil"
    ast.parse((project / "src/my_model/cli.py").read_text())


def test_every_skeleton_folder_says_what_belongs_in_it(render):
    project = render()

    for folder in ["data", "sql", "docs", "notebooks", "src/my_model", "tests"]:
        assert (project / folder).is_dir(), folder
    for folder in ["data", "sql", "notebooks", "src/my_model"]:
        assert (project / folder / "README.md").read_text().strip(), folder
    assert (project / "docs/index.md").read_text().strip()


def test_generated_python_is_formatted_and_lint_clean(rendered):
    _, project = rendered

    formatted = run_module(project, "ruff", "format", "--check", ".")
    linted = run_module(project, "ruff", "check", ".")

    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_generated_sql_passes_sqlfluff_in_its_dialect(rendered):
    _, project = rendered

    linted = run_module(project, "sqlfluff", "lint", "sql")

    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_long_names_stay_formatted(render):
    project = render({"project_name": "A Very Long Project Name For Churn Model"})

    formatted = run_module(project, "ruff", "format", "--check", ".")

    assert formatted.returncode == 0, formatted.stdout
