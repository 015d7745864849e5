"""The alerts on the sources (`data freshness`): is a source's newest date within its lag of
the day judged, and are its newest period's rows within the ratios of the mean of the periods
before it. Pure functions of what was read (`SourceFacts`) and params.yaml `data_checks:`;
`source_run` reads the files, these decide. Each verdict is a monitor `Check`: ok, fired, or
not judged (with why) — an empty source fires, it is never "ok"."""

from dataclasses import dataclass
from datetime import date, timedelta

from ..project.params import SourceCheckParams, VolumeParams
from .checks import Check

FRESHNESS, VOLUME, FUTURE = "freshness", "volume", "future_dates"


@dataclass(frozen=True)
class SourceFacts:
    """What was read of one source: its rows, those with a date in the time column, the
    newest date on or before the day judged, the rows per period up to that day (the
    period's first day -> rows; empty periods are absent) when its volume is checked, and the
    rows dated after the day judged (left out of the rest: one typo or a 9999-12-31 sentinel
    would otherwise make a stalled export look fresh for ever)."""

    name: str
    file: str
    column: str
    rows: int
    dated: int
    newest: date | None
    per_period: dict[date, int]
    future: int = 0


def previous_period(start: date, period: str) -> date:
    """The first day of the period before the one starting on `start`."""
    if period == "month":
        return (start - timedelta(days=1)).replace(day=1)
    return start - timedelta(days=7 if period == "week" else 1)


def period_label(start: date, period: str) -> str:
    if period == "month":
        return f"{start:%Y-%m}"
    return f"week of {start:%Y-%m-%d}" if period == "week" else f"{start:%Y-%m-%d}"


def months_between(earlier: date, later: date) -> int:
    """Calendar months from `earlier`'s month to `later`'s (negative if it is before)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def emptiness(facts: SourceFacts) -> str | None:
    """Why the source holds nothing to judge (no rows, or no date in its time column), or None.
    The checks fire on it: an empty export is the failure they are for."""
    if facts.rows == 0:
        return f"{facts.file} has no rows (an empty export)"
    if facts.dated == 0:
        return f"{facts.file}: none of its {facts.rows:,} rows has a {facts.column}"
    return None


def freshness_check(facts: SourceFacts, settings: SourceCheckParams, as_of: date) -> Check:
    """Fired when the newest date is more than max_lag_days before `as_of`, or its month more
    than max_lag_months before as_of's month (1: the newest month must be the last complete
    one, or the current)."""
    if settings.max_lag_months is not None:
        limit = settings.max_lag_months
    else:
        limit = settings.max_lag_days
    if why := emptiness(facts):
        return Check(FRESHNESS, facts.name, None, limit, True, why)
    newest, column = facts.newest, facts.column
    if newest is None:
        why = f"every dated row of {facts.file} is after {as_of}, the day judged"
        return Check(FRESHNESS, facts.name, None, limit, True, why)
    if settings.max_lag_months is not None:
        lag = months_between(newest, as_of)
        oldest = as_of.replace(day=1)
        for _ in range(limit):
            oldest = previous_period(oldest, "month")
        detail = (
            f"newest {column} {newest} (month {newest:%Y-%m}); on {as_of} the newest month "
            f"may be no older than {oldest:%Y-%m} ({lag} month(s) behind, at most {limit})"
        )
    else:
        lag = (as_of - newest).days
        detail = (
            f"newest {column} {newest} is {lag} day(s) old on {as_of} (at most {limit})"
            if lag >= 0
            else f"newest {column} {newest} is {-lag} day(s) after {as_of}, the day judged"
        )
    return Check(FRESHNESS, facts.name, lag, limit, lag > limit, detail)


def ratio_text(ratio: float, low: float, high: float) -> str:
    """The ratio to 2 decimals, or more where 2 would put it on the other side of a limit
    (0.7996 is not "0.80" when 0.8 is the least allowed)."""
    for digits in (2, 3, 4, 6):
        text = f"{ratio:.{digits}f}"
        if (low <= float(text) <= high) == (low <= ratio <= high):
            return text
    return repr(ratio)


def volume_check(facts: SourceFacts, settings: SourceCheckParams, volume: VolumeParams) -> Check:
    """The newest period's rows over the mean of the `baseline_periods` periods before it (a
    period with no rows counts as 0): fired outside [min_ratio, max_ratio]; not judged when
    the source holds fewer periods before the newest, or none of them has a row."""
    period, wanted = settings.volume, volume.baseline_periods
    limits = f"allowed {volume.min_ratio:g}-{volume.max_ratio:g}"
    if why := emptiness(facts):
        return Check(VOLUME, facts.name, None, volume.min_ratio, True, why)
    newest = max(facts.per_period)
    baseline = [previous_period(newest, period)]
    while len(baseline) < wanted:
        baseline.append(previous_period(baseline[-1], period))
    label = period_label(newest, period)
    if baseline[-1] < min(facts.per_period):
        before = sum(1 for start in baseline if start >= min(facts.per_period))
        return Check.not_judged(
            VOLUME,
            facts.name,
            f"{before} {period}(s) before the newest, {wanted} needed",
            volume.min_ratio,
            f"{label}: {facts.per_period[newest]:,} rows",
        )
    span = f"{period_label(baseline[-1], period)} to {period_label(baseline[0], period)}"
    mean = sum(facts.per_period.get(start, 0) for start in baseline) / wanted
    if mean == 0:
        return Check.not_judged(
            VOLUME, facts.name, f"no rows in the {wanted} {period}(s) before the newest", None, span
        )
    rows = facts.per_period[newest]
    ratio = rows / mean
    fired = not volume.min_ratio <= ratio <= volume.max_ratio
    limit = volume.min_ratio if ratio < 1 else volume.max_ratio
    shown = ratio_text(ratio, volume.min_ratio, volume.max_ratio)
    detail = f"{label}: {rows:,} rows, {shown} x the mean of {span} ({mean:,.1f}); {limits}"
    return Check(VOLUME, facts.name, round(ratio, 4), limit, fired, detail)


def source_checks(
    facts: SourceFacts, settings: SourceCheckParams, volume: VolumeParams, as_of: date
) -> list[Check]:
    """The source's freshness, its volume when `settings.volume` names a period, and rows
    dated after the day judged (fired when there are any)."""
    checks = [freshness_check(facts, settings, as_of)]
    if settings.volume is not None:
        checks.append(volume_check(facts, settings, volume))
    if facts.future:
        detail = (
            f"{facts.future:,} row(s) with a {facts.column} after {as_of}, the day judged "
            "(a typo or a sentinel date?): left out of the checks above"
        )
        checks.append(Check(FUTURE, facts.name, facts.future, 0, True, detail))
    return checks
