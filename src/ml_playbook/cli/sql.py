"""`sql list | sources | show | test`: the project's SQL models (sql/, a dbt project) — in run
order, as the engine runs them or translated for another, and built with their assertions —
and the source files they read."""

from typing import Annotated

import typer

from ..conventions import SQL_DIALECTS
from ..errors import ProjectError
from ..project import ProjectSpec
from ..project.paths import SQL_DIR
from .common import Apps, ParamsOption, open_project, reported_errors


def register(apps: Apps, spec: ProjectSpec) -> None:
    group = typer.Typer(
        help="The SQL models in sql/: list, show (any dialect), test.", no_args_is_help=True
    )
    apps.root.add_typer(group, name="sql")

    @group.command("list")
    def sql_list(params: ParamsOption = None) -> None:
        """List the SQL models in run order, with their layer and file."""
        from .. import sql

        with reported_errors():
            ordered = sql.models(open_project(spec, params))
        for model in ordered:
            typer.echo(f"{model.layer:<9} {model.name:<28} {SQL_DIR / model.path}")

    @group.command("sources")
    def sql_sources(params: ParamsOption = None) -> None:
        """Print the file of each source params.yaml sql.sources names, one a line (what
        `make pull-sources` fetches from the DVC remote)."""
        with reported_errors():
            sources = open_project(spec, params).params.sql.sources
        for relative in sources.values():
            typer.echo(relative)

    @group.command("show")
    def sql_show(
        model: Annotated[str, typer.Argument(help="model name, e.g. stg_customers")],
        dialect: Annotated[
            str | None,
            typer.Option(
                help=f"engine to translate for: {', '.join(SQL_DIALECTS)} (default: sql.engine)"
            ),
        ] = None,
        params: ParamsOption = None,
    ) -> None:
        """Print a model as dbt compiles it for sql.engine, or translated for another engine
        (the salt is masked)."""
        from .. import sql

        with reported_errors():
            if dialect is not None and dialect not in SQL_DIALECTS:
                raise ProjectError(
                    f"unknown dialect '{dialect}': use one of {', '.join(SQL_DIALECTS)}"
                )
            project = open_project(spec, params)
            if model not in {found.name for found in sql.models(project)}:
                raise ProjectError(f"no model '{model}': `{spec.package} sql list` shows them")
            code = sql.compiled(project, (model,))[model]
            engine = project.params.sql.engine
            if dialect is not None and dialect != engine:
                code = sql.translate(code, dialect, read=engine)
        typer.echo(sql.masked(code))

    @group.command("test")
    def sql_test(params: ParamsOption = None) -> None:
        """Build every model on sql.engine and run the assertions of sql/tests/ (dbt build;
        each must return no rows); writes no data files."""
        from .. import sql

        with reported_errors():
            run = sql.build(open_project(spec, params))
            for name, rows in sorted(run.tests.items()):
                status = {0: "passed", -1: "could not run"}.get(rows, f"FAILED ({rows} rows)")
                typer.echo(f"{name:<45} {status}")
            sql.checked(run)
