"""Cookiecutter and cruft: the project is rendered by copier, from the same template folder.

cookiecutter.json (generated from copier.yml) has asked the questions; the folder cookiecutter
made holds only a README. This hook hands the answers to copier, which renders template/ into
that folder exactly as `copier copy` would, `.copier-answers.yml` included, so the project can
later be updated with cruft or with copier. Cookiecutter renders this file with Jinja before
running it: the one templated line is CONTEXT.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

CONTEXT = json.loads({{cookiecutter | jsonify | tojson}})  # noqa: F821 (filled in by cookiecutter)
# A template given as a URL (copier and cookiecutter read the same forms) is rendered from that
# URL, so the project records it for updates and pins its hooks to it; a folder, from its path.
_URL = re.compile(r"^(git\+)?[A-Za-z][A-Za-z0-9+.-]*://|^(gh|gl):|^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:")


def _head_commit(folder: str) -> str | None:
    """The commit cookiecutter checked out in `folder`, or None for a folder outside git."""
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return None
    return done.stdout.strip()


def source_and_ref(context: dict) -> tuple[str, str | None]:
    """Where copier renders from, and at which commit: the one cookiecutter or cruft used."""
    template = context["_template"]
    folder = context.get("_repo_dir") or str(Path(template).expanduser().resolve())
    source = template if _URL.match(template) else folder
    # cruft records the commit it rendered; cookiecutter leaves its clone at the checkout.
    return source, context.get("_commit") or _head_commit(folder)


def main() -> int:
    try:
        from copier import run_copy
    except ImportError:
        print(
            "error: this template is rendered by copier: install it beside cookiecutter or "
            "cruft (`uvx --with copier cookiecutter …`, `uvx --with copier cruft create …`, "
            "or `pipx inject cookiecutter copier`)."
        )
        return 1
    answers = {name: value for name, value in CONTEXT.items() if not name.startswith("_")}
    source, ref = source_and_ref(CONTEXT)
    Path("README.md").unlink(
        missing_ok=True
    )  # this folder's placeholder; copier writes the real one
    try:
        run_copy(source, ".", data=answers, defaults=True, vcs_ref=ref, overwrite=True, quiet=True)
    except ValueError as error:  # a validator refused an answer: its message says what to fix
        print(f"error: {error}")
        return 1
    print(f"Rendered by copier from {source}. Next: `make pipeline`, then `make test` (README.md).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
