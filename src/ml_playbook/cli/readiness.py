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
            typer.Option(
                "--list", help="print the 28 rubric items (id and the paper's words) and exit"
            ),
        ] = False,
        params: ParamsOption = None,
    ) -> None:
        """The ML Test Score (Breck et al., 2017) from evidence in the repository: each of the
        28 items with the paper's words for its test, its points (1 automated, 0.5 done by hand
        or not re-run, 0 not done) and the evidence found; an item not earned says what would
        earn it, and what was found but does not show what the paper's test means is listed as
        not counted, with why. Evidence: tests marked @pytest.mark.readiness("<item>") that CI
        runs, for what a test can show; the monitor's summary of served traffic
        (monitor.report_dir), for what only production shows; the baseline section of
        reports/metrics.json; CODEOWNERS; scheduled CI jobs; dated write-ups in
        docs/readiness/records.yml (half a point). Then the section sums and the final score
        (the lowest section); writes reports/readiness/ (readiness.json, index.html). Exit 0 at
        or above the floor; 1 below it, or when the evidence cannot be read (a marker naming no
        item, a bad record or summary: one line naming the file)."""
        from ..readiness import report, rubric, score

        if list_items:
            for item in rubric.ITEMS:
                typer.echo(f'{item.id:<17} "{item.quote}"')
            return
        with reported_errors():
            project = open_project(spec, params)
            settings = project.params.readiness
            result = score.compute(
                project.root,
                settings.manual_max_age_days,
                monitor_dir=project.params.monitor.report_dir,
                primary_metric=project.params.evaluate.primary_metric,
            )
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
