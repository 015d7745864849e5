"""Cookiecutter and cruft: the project is rendered by copier, from the same template folder.

cookiecutter.json (generated from copier.yml) has asked the questions, and the extension
cookiecutter_to_copier.py has had copier check the answers before cookiecutter made this
folder, which holds only a README. This hook hands the answers to copier, which renders
template/ into the folder exactly as `copier copy` would, `.copier-answers.yml` included, so
the project can later be updated with cruft or with copier. Cookiecutter renders this file with
Jinja (and that extension) before running it: the one templated line is ARGUMENTS.
"""

import json
import sys
from pathlib import Path

from copier import run_copy

# src_path, vcs_ref and data for run_copy: the same ones the answers were checked with.
ARGUMENTS = json.loads({{copier_arguments_json(cookiecutter) | tojson}})  # noqa: F821 (cookiecutter fills it in)


def main() -> int:
    # This folder's placeholder; copier writes the real README.
    Path("README.md").unlink(missing_ok=True)
    run_copy(dst_path=".", defaults=True, overwrite=True, quiet=True, **ARGUMENTS)
    print(
        f"Rendered by copier from {ARGUMENTS['src_path']}. "
        "Next: `make pipeline`, then `make test` (README.md)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
