"""`data scan`: personal data in any file or folder, with the project's allowlist and phone
regions — the same detectors as the check-pii hook and the `screen` stage."""

import json
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ProjectError
from ..project import ProjectSpec
from ..project.paths import project_root
from .common import Apps, reported_errors

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
