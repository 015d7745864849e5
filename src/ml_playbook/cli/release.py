"""`release promote | rollback | status | verify`: move champion through the gate, on the record."""

import json
from pathlib import Path
from typing import Annotated

import typer

from ..project import ProjectSpec
from .common import Apps, ParamsOption, open_project, reported_errors

ApproverOption = Annotated[
    str | None, typer.Option(help="who approves (default: the CI actor or your user name)")
]
WaitOption = Annotated[
    str | None,
    typer.Option(
        "--wait",
        metavar="URL",
        help="wait until the service at URL serves the new champion, then verify it",
    ),
]
# How long --wait waits beyond the service's own look-up interval (loading a model takes time).
WAIT_MARGIN_SECONDS = 60.0


def _wait_url(url: str | None) -> None:
    if url is not None:
        from ..release.verify import service_url

        service_url(url)


def _after_the_move(project, version: str, url: str | None) -> None:
    """Say when a running service serves `version`; with `url`, wait for it and verify it."""
    from ..registry import open_registry
    from ..release.verify import verify, wait_until_served

    registry = open_registry(project)
    if url is None:
        typer.echo(when_served(project, registry))
        return
    timeout = project.params.serve.poll_seconds + WAIT_MARGIN_SECONDS
    seconds = wait_until_served(url, version, timeout)
    typer.echo(f"{url} serves v{version} after {seconds:.1f} s; verifying")
    problems = verify(project, url, version, registry)
    for problem in problems:
        typer.secho(f"mismatch: {problem}", fg="red", err=True)
    if problems:
        raise typer.Exit(code=1)
    typer.echo(f"{url}: answers match the offline predictions, latency within bounds")


def register(apps: Apps, spec: ProjectSpec) -> None:
    app = typer.Typer(
        help="Launch and rollback: move champion through the quality gate; check a running service.",
        no_args_is_help=True,
    )
    apps.root.add_typer(app, name="release")

    @app.command()
    def promote(
        version: Annotated[
            str | None, typer.Argument(help="version to promote (default: challenger)")
        ] = None,
        force: Annotated[bool, typer.Option(help="skip the quality gate (needs --reason)")] = False,
        reason: Annotated[str | None, typer.Option(help="why (required with --force)")] = None,
        model_card: Annotated[
            Path | None,
            typer.Option(help="the model card to attach (required on a shared registry)"),
        ] = None,
        approver: ApproverOption = None,
        wait: WaitOption = None,
        params: ParamsOption = None,
    ) -> None:
        """Make a version champion if it beats the champion on the evaluation set by the margin."""
        from ..registry.moves import actor
        from ..release.moves import promote as move

        if force and not reason:
            typer.secho(
                "error: --force needs --reason: say why the gate is skipped", fg="red", err=True
            )
            raise typer.Exit(code=1)
        with reported_errors():
            project = open_project(spec, params)
            _wait_url(wait)  # before champion moves: a URL that cannot be waited on changes nothing
            done = move(
                project, version, approver or actor(), reason if force else None, model_card
            )
            typer.echo(f"champion: v{done.from_version or '-'} -> v{done.to_version} ({done.why})")
            _after_the_move(project, done.to_version, wait)

    @app.command()
    def rollback(
        reason: Annotated[str, typer.Option(help="why (recorded with the move)")],
        approver: ApproverOption = None,
        wait: WaitOption = None,
        params: ParamsOption = None,
    ) -> None:
        """Move champion back to the version it replaced."""
        from ..registry.moves import actor
        from ..release.moves import rollback as move

        with reported_errors():
            project = open_project(spec, params)
            _wait_url(wait)  # before champion moves: a URL that cannot be waited on changes nothing
            done = move(project, approver or actor(), reason)
            typer.echo(
                f"champion: v{done.from_version} -> v{done.to_version} (rollback: {done.why})"
            )
            _after_the_move(project, done.to_version, wait)

    @app.command()
    def status(
        as_json: Annotated[bool, typer.Option("--json", help="print JSON for tools")] = False,
        params: ParamsOption = None,
    ) -> None:
        """Which version is champion and challenger, and every recorded move of champion."""
        from ..release.moves import status as read

        with reported_errors():
            state = read(open_project(spec, params))
        if as_json:
            typer.echo(json.dumps(state, indent=2))
            return
        typer.echo(f"model:      {state['model']}")
        typer.echo(
            f"champion:   v{state['champion'] or '-'} "
            f"(registered {state['champion_registered_at']})"
        )
        challenger = state["challenger"]
        typer.echo(f"challenger: {f'v{challenger}' if challenger else '- (none beside champion)'}")
        for move in state["moves"]:
            typer.echo(
                f"{move['at']}  {move['action']:<13} v{move['from_version'] or '-'} -> "
                f"v{move['to_version']}  by {move['who']}: {move['why']}"
            )

    @app.command()
    def verify(
        url: Annotated[str, typer.Argument(help="the running service, e.g. http://127.0.0.1:8000")],
        version: Annotated[
            str | None, typer.Option(help="the version it must serve (default: champion)")
        ] = None,
        params: ParamsOption = None,
    ) -> None:
        """Replay the example set against a running service; exit 1 on any mismatch or slow answer."""
        from ..release.verify import verify as check

        with reported_errors():
            problems = check(open_project(spec, params), url, version)
        for problem in problems:
            typer.secho(f"mismatch: {problem}", fg="red", err=True)
        if problems:
            raise typer.Exit(code=1)
        typer.echo(f"{url}: answers match the offline predictions, latency within bounds")


def when_served(project, registry) -> str:
    """When a running service following champion serves a move made now, as the CLI says it."""
    from ..serving.loader import CHANGE_CHECK_SECONDS

    poll = project.params.serve.poll_seconds
    if poll <= 0:
        return "a running service does not follow the alias (serve.poll_seconds is 0): restart it"
    revision = getattr(registry, "revision", None)
    if revision is not None and revision() is not None:
        seconds, how = CHANGE_CHECK_SECONDS, "checks the registry for changes every second"
        seconds = min(seconds, poll)
    else:
        seconds, how = poll, "looks the alias up every serve.poll_seconds"
    return f"a running service serves it within {seconds:g} s plus its load time (it {how})"
