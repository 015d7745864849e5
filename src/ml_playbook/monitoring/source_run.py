"""`data freshness`: read each source params.yaml `data_checks.sources` names, judge its
freshness and volume (`source_rules`), and post the failed checks to the monitor's webhook.

It reads the files of `sql.sources` — exactly what the SQL engine's session loads as
raw.<name> for the staging models — with DuckDB in this process, whatever `sql.engine` is:
the check judges the export as it landed, before any SQL runs, and needs no warehouse."""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import ProjectError, first_line
from .checks import Check, summary_line
from .source_rules import SourceFacts, source_checks

DATE_TYPES = ("DATE", "TIMESTAMP")  # and every TIMESTAMP variant (WITH TIME ZONE, _NS, ...)


@dataclass(frozen=True)
class Outcome:
    checks: list[Check]
    alert_problem: str | None  # why a due alert was not delivered

    @property
    def fired(self) -> list[Check]:
        return [check for check in self.checks if check.fired]

    @property
    def summary(self) -> str:
        return summary_line(self.checks)


def read_facts(
    name: str, path: Path, shown: str, column: str, period: str | None, as_of: date
) -> SourceFacts:
    """What `source_rules` judges of the table at `path` (`shown`: its path as params.yaml
    names it) on `as_of`: rows, dated rows, the newest date and the rows per period up to
    that day, and the rows dated after it."""
    import duckdb

    from ..governance.tables import identifier, relation_sql
    from ..stage import in_memory_duckdb

    setting = f"data_checks.sources.{name}.time_column"
    relation, quoted = relation_sql(path), identifier(column)
    try:
        with in_memory_duckdb() as connection:
            described = connection.execute(f"describe select * from {relation}").fetchall()
            types = {row[0]: row[1] for row in described}  # column name -> its type
            if column not in types:
                raise ProjectError(
                    f"{setting} '{column}' is not a column of {shown} (it has "
                    f"{', '.join(list(types)[:12])}): name the column that dates its rows"
                )
            if not str(types[column]).upper().startswith(DATE_TYPES):
                raise ProjectError(
                    f"{setting} '{column}' of {shown} is {types[column]}, not a date or "
                    "timestamp: name a date column (or add one to the export)"
                )
            # fetchall, not fetchone: a result left open blocks the connection's next query.
            day = f"{quoted}::date"
            [(rows, dated, newest, future)] = connection.execute(
                f"select count(*), count({quoted}), max({day}) filter (where {day} <= ?), "
                f"count(*) filter (where {day} > ?) from {relation}",
                [as_of, as_of],
            ).fetchall()
            per_period = {}
            if period is not None:
                per_period = dict(
                    connection.execute(
                        # `period` is day, week or month (params validation): DuckDB's parts.
                        f"select date_trunc('{period}', {quoted})::date, count(*) "
                        f"from {relation} where {day} <= ? group by 1",
                        [as_of],
                    ).fetchall()
                )
    except duckdb.Error as error:
        raise ProjectError(
            f"source '{name}' ({shown}) cannot be read: {first_line(error)}"
        ) from None
    return SourceFacts(name, shown, column, rows, dated, newest, per_period, future)


def data_checks(project, as_of: date) -> Outcome:
    """Every source's checks as of `as_of`; the failed ones posted to MONITOR_WEBHOOK_URL
    (else params.yaml monitor.webhook_url). A check not judged is never alerted."""
    from ..sql.inputs import source_files

    params = project.params
    settings = params.data_checks
    if not settings.sources:
        raise ProjectError(
            "params.yaml data_checks.sources names no source: add one with its time_column "
            "and max_lag_days (or max_lag_months)"
        )
    files = source_files(project)
    checks: list[Check] = []
    for name, source in settings.sources.items():
        shown = params.sql.sources[name]
        facts = read_facts(name, files[name], shown, source.time_column, source.volume, as_of)
        checks += source_checks(facts, source, settings.volume, as_of)
    fired = [check.as_dict() for check in checks if check.fired]
    url = os.environ.get("MONITOR_WEBHOOK_URL") or params.monitor.webhook_url
    problem = None
    if fired and url:
        from .alert import post

        problem = post(url, alert_payload(params.registry.model_name, as_of, fired))
    return Outcome(checks, problem)


def alert_payload(model: str, as_of: date, fired: list[dict]) -> dict:
    lines = [f"- {c['rule']} ({c['subject']}): {c['detail']}" for c in fired]
    return {
        # `text` is what Slack and Teams show; the rest is for tools.
        "text": f"{model}: {len(fired)} data check(s) failed on {as_of}\n" + "\n".join(lines),
        "model": model,
        "as_of": as_of.isoformat(),
        "fired": fired,
    }
