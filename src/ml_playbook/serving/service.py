"""The service of a project, ready to run: its model loaded from the registry, the alias
poller that follows it, and the request log, around the app of app.py."""


def build_service(project, alias: str | None = None, version: str | None = None, registry=None):
    """The app serving `version` (pinned: no reload) or the version `alias` points at (default:
    params.yaml serve.alias), from `registry` (default: the project's). The loaded model is
    `app.state.slot.current`."""
    from threadpoolctl import threadpool_limits

    from ..registry import open_registry
    from .app import create_app
    from .contract import arrow_types
    from .loader import AliasPoller, ModelSlot, load, resolve
    from .request_log import RequestLog

    params = project.params
    settings = params.serve
    registry = registry if registry is not None else open_registry(project)
    name = params.registry.model_name
    followed = None if version is not None else (alias or settings.alias)
    slot = ModelSlot(load(registry, name, followed, resolve(registry, name, followed, version)))
    # One request is one small prediction: OpenMP threads (HistGradientBoosting) only fight
    # each other and the event loop there, costing tens of ms per request on a busy host.
    # After loading: threadpoolctl limits the libraries loaded so far.
    threadpool_limits(1)
    request_log = RequestLog(
        project.path(settings.log_dir),
        arrow_types(params),
        settings.log_sample_rate,
        settings.log_flush_seconds,
        settings.log_retention_days,
    )
    poller = AliasPoller(registry, slot, settings.poll_seconds)
    service = create_app(params, slot, request_log, poller)
    service.state.slot = slot
    return service
