"""The project's command, named after the package: the library's commands (serve, eval,
release, monitor, readiness, sql, data scan, …) for this project, with its own stages, model and
extensions. `uv run <package> --help` lists them all.

Add a command of the team's own below, as a Typer command on `app`.
"""

from ml_playbook.cli import project_app
from ml_playbook.project import ProjectSpec

from . import __distribution__, __summary__, __version__, extend, model
from .config import Params
from .stages import STAGES

SPEC = ProjectSpec(
    package=__package__,
    params=Params,
    build_model=model.build,
    extensions=extend.EXTENSIONS,
    stages=STAGES,
)
app = project_app(SPEC, version=__version__, summary=__summary__, distribution=__distribution__)
