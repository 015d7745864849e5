"""`serve`: start the web service on the registry's model (see app.py for the endpoints)."""

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer()


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="address to listen on (default: params.yaml serve.host)")
    ] = None,
    port: Annotated[int | None, typer.Option(help="port (default: params.yaml serve.port)")] = None,
    version: Annotated[
        str | None, typer.Option(help="serve this registry version (pinned: no reload)")
    ] = None,
    alias: Annotated[
        str | None,
        typer.Option(help="serve the version this alias points at (default: serve.alias)"),
    ] = None,
    params: Annotated[
        Path | None,
        typer.Option("--params", help="params file (default: the project's params.yaml)"),
    ] = None,
) -> None:
    """Serve the registry's model over HTTP: /predict, /health, /ready, /metrics (docs at /docs).

    It follows the alias (champion by default): when the alias moves, the new version is
    loaded and swapped in without a restart.
    """
    from ..cli import reported_errors
    from ..config import load_params
    from ..paths import project_root

    with reported_errors():
        loaded_params = load_params(params)
        service = build_service(project_root(), loaded_params, alias, version)
    import uvicorn

    settings = loaded_params.serve
    served = service.state.slot.current
    typer.echo(f"serving {served.name} v{served.version} ({served.alias or 'pinned'})")
    uvicorn.run(
        service,
        host=host or settings.host,
        port=port or settings.port,
        access_log=False,  # /metrics counts requests and the request log samples them
        log_level="warning",
    )


def build_service(root: Path, params, alias: str | None, version: str | None):
    """The app with its model loaded, its alias poller and its request log, ready to run."""
    from threadpoolctl import threadpool_limits

    from .app import create_app
    from .contract import feature_fields
    from .loader import AliasPoller, ModelSlot, load, resolve
    from .request_log import RequestLog

    settings = params.serve
    name = params.registry.model_name
    followed = None if version is not None else (alias or settings.alias)
    slot = ModelSlot(load(root, name, followed, resolve(root, name, followed, version)))
    # One request is one small prediction: OpenMP threads (HistGradientBoosting) only fight
    # each other and the event loop there, costing tens of ms per request on a busy host.
    # After loading: threadpoolctl limits the libraries loaded so far.
    threadpool_limits(1)
    arrow_types = {"int": "int64", "float": "double"}
    features = {
        column: arrow_types.get(getattr(kind, "__name__", ""), "string")
        for column, (kind, _) in feature_fields(params).items()
    }
    request_log = RequestLog(
        root / settings.log_dir,
        features,
        settings.log_sample_rate,
        settings.log_flush_seconds,
        settings.log_retention_days,
    )
    poller = AliasPoller(root, slot, settings.poll_seconds)
    service = create_app(params, slot, request_log, poller)
    service.state.slot = slot
    return service
