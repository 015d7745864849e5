"""`serve`: start the web service on the registry's model (ml_playbook.serving.app has the
endpoints)."""

from typing import Annotated

import typer

from ..project import ProjectSpec
from .common import Apps, ParamsOption, open_project, reported_errors


def register(apps: Apps, spec: ProjectSpec) -> None:
    """Add `serve` to the project's command."""

    @apps.root.command()
    def serve(
        host: Annotated[
            str | None, typer.Option(help="address to listen on (default: params.yaml serve.host)")
        ] = None,
        port: Annotated[
            int | None, typer.Option(help="port (default: params.yaml serve.port)")
        ] = None,
        version: Annotated[
            str | None, typer.Option(help="serve this registry version (pinned: no reload)")
        ] = None,
        alias: Annotated[
            str | None,
            typer.Option(help="serve the version this alias points at (default: serve.alias)"),
        ] = None,
        params: ParamsOption = None,
    ) -> None:
        """Serve the registry's model over HTTP: /predict, /health, /ready, /metrics (docs at /docs).

        It follows the alias (champion by default): when the alias moves, the new
        version is loaded and swapped in without a restart.
        """
        from ..serving.service import build_service

        with reported_errors():
            project = open_project(spec, params)
            service = build_service(project, alias, version)
        import uvicorn

        settings = project.params.serve
        served = service.state.slot.current
        typer.echo(f"serving {served.name} v{served.version} ({served.alias or 'pinned'})")
        uvicorn.run(
            service,
            host=host or settings.host,
            port=port or settings.port,
            access_log=False,  # /metrics counts requests and the request log samples them
            log_level="warning",
        )
