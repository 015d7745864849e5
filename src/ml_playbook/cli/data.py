"""`data scan`: personal data in any file or folder, with the project's allowlist and phone
regions — the same detectors as the check-pii hook and the `screen` stage. `data freshness`:
the sources' freshness and volume, judged and alerted like the monitor's rules."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ProjectError
from ..project import ProjectSpec
from ..project.paths import project_root
from .common import Apps, ParamsOption, open_project, reported_errors
from .monitor import STATUS, WIDTH

FORMATS = ("text", "json")


def register(apps: Apps, spec: ProjectSpec) -> None:
    @apps.data.command("scan")
    def data_scan(
        path: Annotated[
            Path, typer.Argument(help="a data set (Parquet, CSV), a text file or a folder")
        ],
        output_format: Annotated[
            str, typer.Option("--format", help="text (a readable report) or json (for tools)")
        ] = "text",
    ) -> None:
        """Find personal data in a file or folder; exit 1 if any is found.

        Tables are scanned column by column in DuckDB, inside nested Parquet columns too (a
        finding names its path: contact.emails[], attrs{value}); text line by line. Values in
        .pii-allowlist and lines marked `pii: allow` are not reported. National phone formats
        are tried for the regions of `[tool.ml-playbook] pii-phone-regions` in pyproject.toml.
        """
        from ..governance import pii
        from ..governance.screening import scan

        with reported_errors():
            if output_format not in FORMATS:
                raise ProjectError(f"unknown format '{output_format}': use text or json")
            findings = list(scan(path, project_root()))
        if output_format == "json":
            typer.echo(json.dumps([finding.as_dict() for finding in findings], indent=2))
        elif not findings:
            typer.echo(f"no personal data found in {path}")
        for finding in findings if output_format == "text" else []:
            where = f"column {finding.column}" if finding.column else f"line {finding.line}"
            kind = pii.KINDS_BY_NAME[finding.kind].description
            typer.echo(f"{finding.path}: {where}: {kind} x{finding.count} (e.g. {finding.example})")
        if findings:
            raise typer.Exit(code=1)

    @apps.data.command("freshness")
    def data_freshness(
        as_of: Annotated[
            datetime | None,
            typer.Option(
                "--as-of",
                formats=["%Y-%m-%d"],
                help="the day to judge against, YYYY-MM-DD (default: today, UTC)",
            ),
        ] = None,
        params: ParamsOption = None,
    ) -> None:
        """Check each source of params.yaml data_checks: its newest date within its lag of
        today (or --as-of), and its newest period's rows within min_ratio-max_ratio of the mean
        of the periods before it. One line per check: ok, TRIPPED or not judged (too few
        periods: it says why); exit 1 (and a webhook alert, MONITOR_WEBHOOK_URL) if one trips."""
        from ..monitoring.source_run import data_checks

        day = as_of.date() if as_of is not None else datetime.now(UTC).date()
        with reported_errors():
            outcome = data_checks(open_project(spec, params), day)
        for check in outcome.checks:
            word, colour = STATUS[check.status]
            status = typer.style(f"{word:<{WIDTH}}", fg=colour) if colour else f"{word:<{WIDTH}}"
            typer.echo(f"{status} {check.rule:<10} {check.subject:<16} {check.text}")
        typer.echo(f"as of {day}: {outcome.summary}")
        if outcome.alert_problem:
            typer.secho(f"error: alert not delivered: {outcome.alert_problem}", fg="red", err=True)
        if outcome.fired:
            raise typer.Exit(code=1)
