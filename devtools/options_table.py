"""Write docs/options.md, the options reference, from copier.yml (the one source of the options).

uv run python -m devtools.options_table          # rewrite docs/options.md
uv run python -m devtools.options_table --check  # exit 1 if it is out of date
"""

import argparse
import sys
from typing import Any

from devtools.copier_questions import asked_questions, load_copier_config, questions
from devtools.template_clone import TEMPLATE_ROOT

OPTIONS_DOC = TEMPLATE_ROOT / "docs" / "options.md"

HEADER = """\
# Options

Generated from `copier.yml` by `uv run python -m devtools.options_table`; edit `copier.yml`,
not this page. Answer interactively with `copier copy`, or pass answers with
`--data name=value` (or `--data-file answers.yml`); `--defaults` takes the default of
every question not given.

| option | asked | what it is | default | accepted values |
|---|---|---|---|---|
"""


def _cell(value: Any) -> str:
    if "{%" in str(value):
        return "computed (see copier.yml)"
    text = str(value).strip().replace("\n", " ").replace("|", "\\|")
    return f"`{text}`" if text else "(empty)"


def _accepted(spec: dict[str, Any]) -> str:
    choices = spec.get("choices")
    if isinstance(choices, dict):
        return "<br>".join(f"`{value}` ({label})" for label, value in choices.items())
    if choices:
        return ", ".join(f"`{value}`" for value in choices)
    return "validated, see copier.yml" if spec.get("validator") else "any text"


def render_options_doc(config: dict[str, Any] | None = None) -> str:
    config = load_copier_config() if config is None else config
    asked = asked_questions(config)
    rows = []
    for name, spec in questions(config).items():
        if not spec.get("help"):
            continue  # a setting without help is not an option users give
        rows.append(
            f"| `{name}` | {'yes' if name in asked else 'no (derived; `--data` overrides it at copy time)'} "
            f"| {spec['help']} | {_cell(spec.get('default', ''))} | {_accepted(spec)} |"
        )
    return HEADER + "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/options.md is stale")
    args = parser.parse_args(argv)
    expected = render_options_doc()
    if args.check:
        current = OPTIONS_DOC.read_text() if OPTIONS_DOC.exists() else ""
        if current != expected:
            print(
                f"{OPTIONS_DOC.relative_to(TEMPLATE_ROOT)} is out of date: run "
                "`uv run python -m devtools.options_table`."
            )
            return 1
        return 0
    OPTIONS_DOC.parent.mkdir(parents=True, exist_ok=True)
    OPTIONS_DOC.write_text(expected)
    print(f"wrote {OPTIONS_DOC.relative_to(TEMPLATE_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
