"""The service of a project, ready to run: the follower that loads its model from the
registry (after the service starts listening) and follows the alias, and the request log,
around the app of app.py."""

from .app import BODY_SECONDS, OutOfRange


def build_service(
    project,
    alias: str | None = None,
    version: str | None = None,
    registry=None,
    out_of_range: OutOfRange = "flag",
    body_seconds: float = BODY_SECONDS,
    on_ready=None,
    on_failure=None,
):
    """The app serving `version` (pinned: no reload) or the version `alias` points at (default:
    params.yaml serve.alias), from `registry` (default: the project's). Nothing is loaded
    here: the model loads when the app starts (`app.state.slot` holds it, `slot.current` once
    loaded); `on_ready(slot)` and `on_failure(message)` say how that went."""
    from ..registry import open_registry
    from .app import create_app
    from .contract import arrow_types
    from .loader import Follower, ModelSlot
    from .request_log import RequestLog

    params = project.params
    settings = params.serve
    registry = registry if registry is not None else open_registry(project)
    followed = None if version is not None else (alias or settings.alias)
    slot = ModelSlot()
    follower = Follower(
        registry,
        slot,
        params.registry.model_name,
        followed,
        version,
        settings.poll_seconds,
        on_ready,
        on_failure,
    )
    request_log = RequestLog(
        project.path(settings.log_dir),
        arrow_types(params),
        settings.log_sample_rate,
        settings.log_flush_seconds,
        settings.log_retention_days,
    )
    service = create_app(params, slot, request_log, follower, out_of_range, body_seconds)
    service.state.slot = slot
    return service
