"""The template repository keeps its promises: README commands, CI script, generated docs."""

import pytest

from devtools.options_table import OPTIONS_DOC, render_options_doc
from devtools.rendered import readme_commands, run_module
from devtools.template_clone import TEMPLATE_ROOT


def test_the_readme_starts_with_the_generate_and_test_commands():
    commands = readme_commands(TEMPLATE_ROOT / "README.md")

    assert len(commands) == 2
    assert commands[0].startswith("uvx copier copy ")


def test_ci_runs_the_readme_test_command_last():
    _, test_command = readme_commands(TEMPLATE_ROOT / "README.md")
    script = (TEMPLATE_ROOT / ".ci/run").read_text().strip().splitlines()

    assert script[-1] == test_command


def test_the_options_doc_is_generated_from_copier_yml():
    assert OPTIONS_DOC.read_text() == render_options_doc(), (
        "docs/options.md is stale: run `uv run python -m devtools.options_table`"
    )


def test_the_template_repository_code_is_formatted_and_lint_clean():
    for command in (["format", "--check", "."], ["check", "."]):
        done = run_module(TEMPLATE_ROOT, "ruff", *command)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.render
def test_the_message_after_copy_names_the_generated_readme_commands(render):
    from devtools.copier_questions import load_copier_config

    message = load_copier_config()["_message_after_copy"]
    commands = readme_commands(render() / "README.md")

    for command in commands:
        assert command in message


def test_the_template_docs_site_builds_strictly(tmp_path):
    done = run_module(TEMPLATE_ROOT, "mkdocs", "build", "--strict", "--site-dir", str(tmp_path))

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "options/index.html").is_file()
