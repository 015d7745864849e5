"""`registry show | ui`: the registered model's versions, and MLflow's UI over the store."""

import json
from typing import Annotated

import typer

from ..project import ProjectSpec
from .common import Apps, ParamsOption, open_project, reported_errors


def register(apps: Apps, spec: ProjectSpec) -> None:
    app = typer.Typer(help="The MLflow model registry.", no_args_is_help=True)
    apps.root.add_typer(app, name="registry")

    @app.command("show")
    def show(
        as_json: Annotated[bool, typer.Option("--json", help="print JSON for tools")] = False,
        params: ParamsOption = None,
    ) -> None:
        """List the registered model's versions, their aliases (champion, challenger) and metrics."""
        from ..registry import open_registry

        with reported_errors():
            project = open_project(spec, params)
            name = project.params.registry.model_name
            versions = [
                {
                    "version": found.version,
                    "aliases": list(found.aliases),
                    "run_id": found.run_id,
                    "metrics": dict(found.metrics),
                }
                for found in open_registry(project).versions(name)
            ]
        if as_json:
            typer.echo(json.dumps({"model": name, "versions": versions}, indent=2))
            return
        if not versions:
            typer.echo(f"no versions of '{name}' yet: run `make pipeline`")
        metric = project.params.evaluate.primary_metric
        for row in versions:
            aliases = ", ".join(row["aliases"]) or "-"
            value = row["metrics"].get(metric)
            shown = f"{value:.4f}" if value is not None else "n/a"
            typer.echo(f"v{row['version']:<4} {aliases:<22} {metric}={shown}  run {row['run_id']}")

    @app.command("ui")
    def ui(
        port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 5000,
    ) -> None:
        """Browse the runs and the registry of the tracking store (local: http://127.0.0.1:5000)."""
        import subprocess

        from ..errors import ProjectError
        from ..registry import open_registry

        with reported_errors():
            registry = open_registry(open_project(spec))
            if not hasattr(registry, "ui_command"):
                raise ProjectError(
                    f"the registry at {registry.uri} has no UI to run: `registry show` lists "
                    "its versions"
                )
            command = registry.ui_command(port)
        raise typer.Exit(code=subprocess.run(command, check=False).returncode)
