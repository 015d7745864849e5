"""Write cookiecutter.json, cookiecutter's and cruft's question list, from copier.yml.

copier.yml is the one source of the questions; cookiecutter only asks them, the extension
cookiecutter_to_copier.py has copier check the answers, and the post-generation hook
(hooks/post_gen_project.py) hands them to copier, which renders template/ exactly as
`copier copy` does.

uv run python -m devtools.cookiecutter_json          # rewrite cookiecutter.json
uv run python -m devtools.cookiecutter_json --check  # exit 1 if it is out of date
"""

import argparse
import json
import sys
from typing import Any

from jinja2 import Environment

from devtools.copier_questions import asked_questions, choice_values, load_copier_config
from devtools.template_clone import TEMPLATE_ROOT

COOKIECUTTER_JSON = TEMPLATE_ROOT / "cookiecutter.json"
# First, the template's own extension (cookiecutter_to_copier.py): it stops with one line when
# copier is missing, before the next one fails to import, and has copier check the answers.
# Then copier's default filters (regex_replace, …) for the computed defaults; copier brings them.
EXTENSIONS = [
    "cookiecutter_to_copier.CopierAnswers",
    "jinja2_ansible_filters.AnsibleCoreFiltersExtension",
]
# Variables only copier has: a question whose default reads them is left for copier to answer.
COPIER_ONLY = ("_copier_answers", "_copier_conf")


def _in_cookiecutter_namespace(expression: str, names: set[str]) -> str:
    """Rewrite a copier default (`{{ project_name | lower }}`) for cookiecutter's context.

    Jinja's own lexer finds the variable names, so strings and filters are left alone.
    """
    parts, previous = [], None
    for _, kind, value in Environment().lex(expression):
        is_variable = kind == "name" and value in names and previous != "dot"
        parts.append(f"cookiecutter.{value}" if is_variable else value)
        if kind != "whitespace":
            previous = kind
    return "".join(parts)


def render_cookiecutter_json(config: dict[str, Any] | None = None) -> str:
    config = load_copier_config() if config is None else config
    questions = {
        name: spec
        for name, spec in asked_questions(config).items()
        if not any(variable in str(spec.get("default", "")) for variable in COPIER_ONLY)
    }
    context: dict[str, Any] = {}
    prompts: dict[str, Any] = {}
    for name, spec in questions.items():
        default = spec.get("default", "")
        choices = choice_values(spec)
        if choices:
            context[name] = [default, *(value for value in choices if value != default)]
            labels = spec["choices"] if isinstance(spec["choices"], dict) else {}
            prompts[name] = {"__prompt__": spec["help"], **{v: k for k, v in labels.items()}}
        elif isinstance(default, str) and "{{" in default:
            context[name] = _in_cookiecutter_namespace(default, set(questions))
            prompts[name] = spec["help"]
        else:
            context[name] = default
            prompts[name] = spec["help"]
    context["__prompts__"] = prompts
    context["_extensions"] = EXTENSIONS
    return json.dumps(context, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if cookiecutter.json is stale")
    args = parser.parse_args(argv)
    expected = render_cookiecutter_json()
    if args.check:
        current = COOKIECUTTER_JSON.read_text() if COOKIECUTTER_JSON.exists() else ""
        if current != expected:
            print(
                "cookiecutter.json is out of date: run `uv run python -m devtools.cookiecutter_json`."
            )
            return 1
        return 0
    COOKIECUTTER_JSON.write_text(expected)
    print("wrote cookiecutter.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
