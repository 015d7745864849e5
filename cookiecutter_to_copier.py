"""How cookiecutter and cruft reach copier: a Jinja extension that cookiecutter.json lists.

Cookiecutter (and cruft, which runs it) puts the template folder on `sys.path` and loads this
extension into every Jinja environment it makes. Two checks therefore run before anything
exists on disk, each stopping with one line and exit status 1:

- copier is installed: checked when the extension loads, which happens in the environment
  that asks the first question;
- copier's validators accept the answers: the project folder is named
  `{{cookiecutter.project_slug}}{{check_with_copier(cookiecutter)}}` (the check renders as
  nothing), and cookiecutter renders that name after the last question and before it creates
  the folder or runs a hook. (cruft looks for a folder whose name holds `cookiecutter.`.)

Both go through copier's public `run_copy`, with the same arguments that
hooks/post_gen_project.py later renders the project with (`copier_arguments_json`), so the
check and the render read the same copier.yml at the same commit.

This module is not called local_extensions.py (cookiecutter's usual name): cookiecutter
appends the template folder to `sys.path`, so any other `local_extensions` found earlier
(another template's, or one in the folder `python -m cookiecutter` runs in) would shadow it.
"""

import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from jinja2.ext import Extension

INSTALL_COPIER = (
    "error: this template is rendered by copier: install it beside cookiecutter or cruft "
    "(`uvx --with copier cookiecutter …`, `uvx --with copier cruft create …`, "
    "or `pipx inject cookiecutter copier`)."
)
# A template given as a URL (copier and cookiecutter read the same forms) is rendered from that
# URL, so the project records it for updates and pins its hooks to it; a folder, from its path.
_URL = re.compile(r"^(git\+)?[A-Za-z][A-Za-z0-9+.-]*://|^(gh|gl):|^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:")


class Refusal(SystemExit):
    """One line on stderr and exit status 1: cookiecutter and cruft print no traceback for it."""


def _head_commit(folder: str) -> str | None:
    """The commit checked out in `folder`, or None for a folder outside git."""
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else None


def copier_arguments(context: dict[str, Any]) -> dict[str, Any]:
    """What copier renders from, at which commit, with which answers: cookiecutter's or cruft's.

    cookiecutter records its clone (`_repo_dir`) and leaves it at the checkout; cruft records the
    commit it rendered (`_commit`).
    """
    template = context["_template"]
    folder = context.get("_repo_dir") or str(Path(template).expanduser().resolve())
    return {
        "src_path": template if _URL.match(template) else folder,
        "vcs_ref": context.get("_commit") or _head_commit(folder),
        "data": {name: value for name, value in context.items() if not name.startswith("_")},
    }


def copier_arguments_json(context: dict[str, Any]) -> str:
    """copier_arguments as JSON, for the hook, which cookiecutter runs as a separate script."""
    return json.dumps(copier_arguments(context))


def check_with_copier(context: dict[str, Any]) -> str:
    """Nothing (`""`) once copier's validators accept the answers; else a one-line Refusal.

    Copier validates the answers before it renders; this run then renders no file (`exclude`)
    and writes nothing (`pretend`).
    """
    from copier import run_copy
    from copier.errors import CopierError

    with tempfile.TemporaryDirectory() as scratch:
        try:
            run_copy(
                dst_path=Path(scratch, "project"),
                defaults=True,
                pretend=True,
                exclude=["*"],
                skip_tasks=True,
                quiet=True,
                **copier_arguments(context),
            )
        except (ValueError, CopierError) as error:  # a refused answer: its message says what to fix
            raise Refusal("error: " + " ".join(str(error).split())) from None
    return ""


class CopierAnswers(Extension):
    """Stops with one line where copier is missing; else gives templates the two functions."""

    def __init__(self, environment):
        super().__init__(environment)
        try:
            import copier  # noqa: F401 (only whether it is installed)
        except ImportError:
            raise Refusal(INSTALL_COPIER) from None
        environment.globals["check_with_copier"] = check_with_copier
        environment.globals["copier_arguments_json"] = copier_arguments_json
