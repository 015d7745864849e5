"""`readiness`: the ML Test Score of the project's repository, from its evidence."""

from typing import Annotated

import typer

from ..errors import ProjectError
from ..project import ProjectSpec
from ..project.paths import READINESS_REPORT
from .common import Apps, ParamsOption, open_project, reported_errors


def register(apps: Apps, spec: ProjectSpec) -> None:
    @apps.root.command()
    def readiness(
        floor: Annotated[
            float | None,
            typer.Option(help="exit 1 below this score (default: readiness.floor in params.yaml)"),
        ] = None,
        list_items: Annotated[
            bool,
            typer.Option("--list", help="print the 28 rubric items (id and test) and exit"),
        ] = False,
        params: ParamsOption = None,
    ) -> None:
        """The ML Test Score from evidence in the repository: marked tests, CI, write-ups.

        Prints each of the 28 items with its evidence and points, the section sums and the
        final score (the lowest section); writes reports/readiness/ (JSON and HTML).
        """
        from ..readiness import report, rubric, score

        if list_items:
            for item in rubric.ITEMS:
                typer.echo(f"{item.id:<17} {item.title}")
            return
        with reported_errors():
            project = open_project(spec, params)
            settings = project.params.readiness
            result = score.compute(project.root, settings.manual_max_age_days)
            report.write(
                result,
                project.root / READINESS_REPORT / "readiness.json",
                project.root / READINESS_REPORT / "index.html",
            )
            for line in report.lines_for_terminal(result):
                typer.echo(line)
            typer.echo(f"wrote {READINESS_REPORT}/readiness.json and {READINESS_REPORT}/index.html")
            least = settings.floor if floor is None else floor
            if result.final < least:
                raise ProjectError(
                    f"the ML Test Score {result.final:g} is below the floor {least:g}: raise the "
                    "items at 0 (see docs/readiness.md), or lower readiness.floor in params.yaml"
                )
