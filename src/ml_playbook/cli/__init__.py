"""A project's command, built from its spec: the stages of its pipeline, and the library's commands
for data, SQL, the registry, evaluation, serving, release, monitoring and readiness — one tree,
`<package> --help`. The project's cli.py calls `project_app(spec)` and may add its own commands.

Every command imports pandas, scikit-learn, dbt or MLflow only when it runs, so `--help` is
instant.
"""

import platform
from collections.abc import Callable
from importlib import import_module

import typer

from ..project import ProjectSpec
from ..project.paths import project_root
from ..stage import Stage
from .common import Apps, ParamsOption, open_project, reported_errors

# The library's command modules, each with `register(apps, spec)`.
AREAS = (
    "data",
    "sql",
    "registry",
    "evaluation",
    "model",
    "serve",
    "release",
    "monitor",
    "readiness",
)


def project_app(
    spec: ProjectSpec, version: str = "0.0.0", summary: str = "", distribution: str = ""
) -> typer.Typer:
    """The command tree of the project `spec` describes (`distribution`: its name on PyPI,
    from its pyproject.toml, for `info`)."""
    root = typer.Typer(name=spec.package, help=summary, no_args_is_help=True, add_completion=False)
    data = typer.Typer(
        help="Data stages (synthesize, generate, validate, split, screen) and the PII scan.",
        no_args_is_help=True,
    )
    root.add_typer(data, name="data")
    apps = Apps(root, data)

    def print_version(value: bool) -> None:
        if value:
            typer.echo(f"{spec.package} {version}")
            raise typer.Exit()

    @root.callback()
    def main(
        show_version: bool = typer.Option(
            False,
            "--version",
            callback=print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ) -> None:
        """Run `COMMAND --help` for what each command does."""

    for stage in spec.stages:
        _stage_command(apps, spec, stage)

    @root.command("run-pipeline")
    def run_pipeline(params: ParamsOption = None) -> None:
        """Run every stage in order in this process (the pipeline without DVC)."""
        with reported_errors():
            project = open_project(spec, params)
            for stage in spec.stages:
                stage.run(project)

    @root.command()
    def info() -> None:
        """Print the version, the Python in use and the project root the commands work in."""
        from importlib.metadata import version as installed

        named = (
            f"{distribution} {version} (package {spec.package})"
            if distribution
            else (f"{spec.package} {version}")
        )
        typer.echo(f"project:      {named}")
        typer.echo(f"ml-playbook:  {installed('ml-playbook')}")
        typer.echo(f"python:       {platform.python_version()}")
        typer.echo(f"project root: {project_root()}")

    for area in AREAS:
        import_module(f"{__name__}.{area}").register(apps, spec)
    return root


def _stage_command(apps: Apps, spec: ProjectSpec, stage: Stage) -> Callable:
    def command(params: ParamsOption = None) -> None:
        with reported_errors():
            stage.run(open_project(spec, params))

    command.__doc__ = stage.summary
    group = apps.data if stage.group == "data" else apps.root
    return group.command(stage.name)(command)
