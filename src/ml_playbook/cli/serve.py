"""`serve`: start the web service on the registry's model (ml_playbook.serving.app has the
endpoints). It listens at once, saying where, then says when the model is served and how long
that took; a model that cannot be served is one error line and exit 1."""

from typing import Annotated, Literal

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
        out_of_range: Annotated[
            Literal["flag", "refuse"] | None,
            typer.Option(
                help="a value outside the range the model was trained on: flag it in the "
                "answer, or refuse the request (422); counted in /metrics either way "
                "(default: params.yaml serve.out_of_range)"
            ),
        ] = None,
        params: ParamsOption = None,
    ) -> None:
        """Serve the registry's model over HTTP: /predict, /health, /ready, /metrics (docs at /docs).

        It listens at once (/ready says "loading" until the model is loaded) and follows the
        alias (champion by default): when the alias moves, the new version is loaded and
        swapped in without a restart, within seconds on the project's own registry.
        """
        from ..serving.service import build_service

        with reported_errors():
            project = open_project(spec, params)
        settings = project.params.serve
        host, port = host or settings.host, port or settings.port
        url = f"http://{host}:{port}"
        stopping = []

        def ready(slot) -> None:
            if server.should_exit:  # the server did not start (its port is taken) or stops
                return
            served = slot.current
            typer.echo(
                f"serving {served.name} v{served.version} ({served.alias or 'pinned'}) at {url} "
                f"after {slot.ready_after:.1f} s; docs at {url}/docs"
            )

        def failed(message: str) -> None:
            stopping.append(message)
            server.should_exit = True

        with reported_errors():
            service = build_service(
                project,
                alias,
                version,
                out_of_range=out_of_range or settings.out_of_range,
                on_ready=ready,
                on_failure=failed,
            )
        import uvicorn

        server = uvicorn.Server(
            uvicorn.Config(
                service,
                host=host,
                port=port,
                access_log=False,  # /metrics counts requests and the request log samples them
                log_level="warning",
            )
        )
        wanted = f"v{version}" if version else f"'{alias or settings.alias}'"
        typer.echo(f"starting on {url}; loading {project.params.registry.model_name} {wanted}")
        server.run()
        if stopping:
            typer.secho(f"error: {stopping[0]}", fg=typer.colors.RED, err=True)
            raise typer.Exit(code=1)
