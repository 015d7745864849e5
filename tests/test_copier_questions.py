"""The questions themselves: bad answers are refused with a message saying what to fix."""

import keyword
import subprocess
import sys

import pytest
from copier import run_copy
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from devtools.answers import asked
from devtools.copier_questions import asked_questions, load_copier_config, questions
from devtools.template_clone import TEMPLATE_ROOT

BAD_ANSWERS = [
    ("project_name", "", "The project name must not be empty."),
    ("project_name", "1st model", "must start with a letter"),
    ("project_slug", "Churn_Model", "The project slug must be lowercase"),
    ("project_slug", "churn--model", "separated by single '-'"),
    ("package_name", "ChurnModel", "The package name must be lowercase"),
    ("package_name", "churn-model", "The package name must be lowercase"),
    ("package_name", "class", "is a Python keyword"),
    ("package_name", "churn_" + "x" * 40, "at most 40 characters"),
    ("package_name", "json", "shadows the standard-library module"),
    ("package_name", "pandas", "shadows a dependency"),
    ("description", "   ", "The description must not be empty."),
    ("author_name", "", "The author name must not be empty."),
    ("author_email", "not-an-email", "must be an email address"),
    ("author_email", "ml@team", "must be an email address"),
    ("organisation", "", "The organisation must not be empty."),
    ("repository_url", "github.com/acme/churn", r"must be an http\(s\) URL"),
    ("role_data_scientist", "alice", "'alice' is not a handle"),
    ("role_ml_engineer", "@ok, not a handle", "'not a handle' is not a handle"),
    ("python_version", "3.10", "Invalid choice"),
    ("ml_task", "clustering", "Invalid choice"),
    ("sql_dialect", "mysql", "Invalid choice"),
    ("ci_provider", "jenkins", "Invalid choice"),
    ("license", "GPL-3.0", "Invalid choice"),
]


@pytest.mark.parametrize(
    ("question", "answer", "message"), BAD_ANSWERS, ids=[f"{q}={a!r}" for q, a, _ in BAD_ANSWERS]
)
def test_a_bad_answer_is_refused_with_a_one_line_message(
    template_folder, question, answer, message
):
    with pytest.raises(ValueError, match=message) as refused:
        asked(template_folder, {question: answer})

    assert "\n" not in str(refused.value).strip()


@pytest.mark.render
@pytest.mark.parametrize(("question", "answer", "message"), [BAD_ANSWERS[0], BAD_ANSWERS[-1]])
def test_a_bad_answer_to_a_copy_from_git_writes_nothing(
    template_repo, tmp_path, question, answer, message
):
    destination = tmp_path / "project"

    with pytest.raises(ValueError, match=message):
        run_copy(
            str(template_repo), destination, data={question: answer}, defaults=True, quiet=True
        )

    assert not destination.exists() or not any(destination.iterdir())


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("role_data_scientist", "@alice"),
        ("role_data_scientist", "@alice, @acme/data-science, bob@example.com"),
        ("role_ml_engineer", ""),
        ("package_name", "churn_model2"),
        ("repository_url", "https://gitlab.example.com/ml/churn-model"),
    ],
)
def test_a_good_answer_is_accepted(template_folder, question, answer):
    assert asked(template_folder, {question: answer})[question] == answer


def test_every_asked_question_has_help_and_a_default():
    for name, spec in asked_questions().items():
        assert spec.get("help"), f"{name} has no help"
        assert "default" in spec, f"{name} has no default, so --defaults would fail"


def test_every_free_text_question_has_a_validator():
    for name, spec in asked_questions().items():
        if "choices" not in spec:
            assert spec.get("validator"), f"{name} accepts any text"


def test_the_template_url_is_an_answer_so_updates_keep_it():
    spec = questions()["template_repo_url"]

    assert spec.get("when", True) is not False
    assert "https://github.com/ml-playbook/ml-playbook" in spec["default"]


def test_reserved_names_cover_the_running_python():
    reserved = _jinja_module("includes/reserved-names.jinja")
    stdlib = {name for name in sys.stdlib_module_names if not name.startswith("_")}

    assert stdlib <= set(reserved.stdlib_modules)
    assert {k for k in keyword.kwlist if k.islower()} <= set(reserved.python_keywords)


def test_reserved_names_are_not_questions_that_data_could_override():
    assert not {name for name in questions() if name.startswith("reserved_")}


def test_the_author_name_is_long_enough_to_sign_off_a_provenance_record():
    from ml_playbook.governance.provenance import schema

    validators = _jinja_module("includes/validators.jinja")
    shortest = schema()["properties"]["sign_off"]["properties"]["reviewer"]["minLength"]

    assert validators.author_name("X" * (shortest - 1)).strip()
    assert not validators.author_name("X" * shortest).strip()


def test_contact_answers_refuse_what_check_process_doc_calls_a_placeholder():
    from ml_playbook.hooks.check_process_doc import PLACEHOLDER

    validators = _jinja_module("includes/validators.jinja")

    for placeholder in ["TODO", "tbd", "FIXME", "XXX", "???", "on call (TBD)"]:
        assert PLACEHOLDER.search(placeholder)
        assert "placeholder" in validators.contact(placeholder, "escalation contact", "@x")


@pytest.mark.parametrize(
    "address",
    ["ml@example.com", "x.y-z_1%2+3@a.b.c.d.e.f.g.h.museum", "a" * 64 + "@ex-ample.co.kr"],
)
def test_an_accepted_address_is_found_whole_by_check_pii(address):
    # .pii-allowlist silences exact values, so the address an answer gives must be what the
    # detector finds, not a part of it.
    from ml_playbook.governance import pii

    validators = _jinja_module("includes/validators.jinja")

    assert not validators.email(address, "author email").strip()
    assert [m.value for m in pii.find(f"Write to {address}, or <{address}>.")] == [address] * 2


def _jinja_module(name: str):
    """A template of includes/ loaded as copier loads it: sandboxed, with the Ansible filters."""
    environment = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATE_ROOT),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
    )
    return environment.get_template(name).module


def test_generating_runs_no_template_code():
    config = load_copier_config()

    assert not {"_tasks", "_jinja_extensions"} & set(config)
    # Migrations run only in `copier update`, across the release that declares them.
    assert all(set(migration) >= {"version", "command"} for migration in config["_migrations"])


@pytest.mark.render
def test_the_command_line_ends_a_refusal_with_the_validators_message(template_repo, tmp_path):
    # docs/index.md tells users the reason is the last line of what copier prints.
    destination = tmp_path / "project"

    done = subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--defaults", "--data", "package_name=json"]
        + [str(template_repo), str(destination)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode != 0
    assert "shadows the standard-library module" in done.stderr.strip().splitlines()[-1]
    assert not destination.exists() or not any(destination.iterdir())
