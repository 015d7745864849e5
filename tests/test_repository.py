"""The template repository keeps its promises: README commands, CI script, generated docs."""

from devtools.options_table import OPTIONS_DOC, render_options_doc
from devtools.rendered import readme_commands
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
