"""`monitor`: check the served model against its rules; exit 1 if any tripped."""

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer()


@app.command()
def monitor(
    params: Annotated[
        Path | None,
        typer.Option("--params", help="params file (default: the project's params.yaml)"),
    ] = None,
) -> None:
    """Compare the logged requests with the training data: drift, prediction shift, schema,
    errors, latency, model age. Writes an HTML report; exit 1 (and a webhook alert) if a rule trips."""
    from ..cli import reported_errors
    from ..config import load_params
    from ..paths import project_root
    from .run import monitor as run

    with reported_errors():
        outcome = run(project_root(), load_params(params))
    for check in outcome.checks:
        status = typer.style("TRIPPED", fg="red") if check.fired else "ok     "
        typer.echo(f"{status} {check.rule:<16} {check.subject:<24} {check.detail}")
    typer.echo(f"report: {outcome.report}")
    if outcome.alert_problem:
        typer.secho(f"error: alert not delivered: {outcome.alert_problem}", fg="red", err=True)
    if outcome.fired:
        raise typer.Exit(code=1)
