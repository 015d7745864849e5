"""What every command shares: the one error handler, the options several commands take, and
opening the project the command runs in.

Commands import pandas, scikit-learn or MLflow only inside their bodies, so `--help` answers
at once.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ProjectError
from ..project import Project, ProjectSpec
from ..project.paths import MODEL

ParamsOption = Annotated[
    Path | None, typer.Option("--params", help="params file (default: the project's params.yaml)")
]
DEFAULT_MODEL = MODEL.as_posix()  # the model file the pipeline trains
ModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        help="a model file, or a registry reference: champion, challenger, v3, "
        "champion@YYYY-MM-DD (the champion on that date), models:/name/3",
    ),
]


@contextmanager
def reported_errors() -> Iterator[None]:
    """The one error handler: a ProjectError becomes `error:` lines (one per problem), exit 1."""
    try:
        yield
    except ProjectError as error:
        for problem in error.problems:
            typer.secho(f"error: {problem}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1) from None


def open_project(spec: ProjectSpec, params: Path | None = None) -> Project:
    """The project around the working directory, its params.yaml (or `params`) checked."""
    return spec.load(params_file=params)


def echo_frame(frame, max_rows: int = 40) -> None:
    typer.echo(frame.to_string(index=False, max_rows=max_rows, float_format="{:.4f}".format))


class Apps:
    """The command tree a project's command is built on: the root and its `data` group, which
    the stages and the library's own data commands share. Each area's module adds its commands
    with `register(apps, spec)`."""

    def __init__(self, root: typer.Typer, data: typer.Typer):
        self.root, self.data = root, data
