"""`monitor`: check the served model against its rules and the team's checks; exit 1 if any
tripped."""

import typer

from ..project import ProjectSpec
from .common import Apps, ParamsOption, open_project, reported_errors


def register(apps: Apps, spec: ProjectSpec) -> None:
    @apps.root.command()
    def monitor(params: ParamsOption = None) -> None:
        """Compare the logged requests with the training data: drift, prediction shift, schema,
        errors, latency, model age. Writes an HTML report; exit 1 (and a webhook alert) if a rule trips."""
        from ..monitoring.run import monitor as run

        with reported_errors():
            outcome = run(open_project(spec, params))
        for check in outcome.checks:
            status = typer.style("TRIPPED", fg="red") if check.fired else "ok     "
            typer.echo(f"{status} {check.rule:<16} {check.subject:<24} {check.detail}")
        typer.echo(f"report: {outcome.report}")
        if outcome.alert_problem:
            typer.secho(f"error: alert not delivered: {outcome.alert_problem}", fg="red", err=True)
        if outcome.fired:
            raise typer.Exit(code=1)
