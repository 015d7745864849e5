"""`monitor`: check the served model against its rules and the team's checks; each rule is ok,
tripped or not judged (with why); exit 1 if any tripped."""

import typer

from ..project import ProjectSpec
from .common import Apps, ParamsOption, open_project, reported_errors

# What the status column says (padded to one width), and its colour.
STATUS = {"ok": ("ok", None), "fired": ("TRIPPED", "red"), "not_judged": ("not judged", "yellow")}
WIDTH = max(len(word) for word, _ in STATUS.values())


def register(apps: Apps, spec: ProjectSpec) -> None:
    @apps.root.command()
    def monitor(params: ParamsOption = None) -> None:
        """Compare the logged requests with the training data: drift, prediction shift, schema,
        errors, latency, model age. Each rule is ok, TRIPPED or not judged (too few rows: it says
        why). Writes an HTML report; exit 1 (and a webhook alert) if a rule trips."""
        from ..monitoring.run import monitor as run

        with reported_errors():
            outcome = run(open_project(spec, params))
        for check in outcome.checks:
            word, colour = STATUS[check.status]
            status = typer.style(f"{word:<{WIDTH}}", fg=colour) if colour else f"{word:<{WIDTH}}"
            typer.echo(f"{status} {check.rule:<16} {check.subject:<24} {check.text}")
        typer.echo(f"report: {outcome.report}")
        typer.echo(outcome.summary)
        if outcome.alert_problem:
            typer.secho(f"error: alert not delivered: {outcome.alert_problem}", fg="red", err=True)
        if outcome.fired:
            raise typer.Exit(code=1)
