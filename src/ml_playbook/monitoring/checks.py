"""What the monitor reports (`Check`), what a team's own check is given (`MonitorView`), and
running those checks. Nothing heavy is imported here: a project's extend.py imports it."""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import ProjectError, first_line

# A rule's verdict: judged and within its limit, judged and beyond it, or not judged at all.
OK, FIRED, NOT_JUDGED = "ok", "fired", "not_judged"


@dataclass(frozen=True)
class Check:
    """One rule applied: the figure found for `subject` against its `limit`, whether it
    tripped, and one line saying what was seen.

    A rule the monitor could not judge (too few served rows, nothing logged for it) says why
    in `reason`: it is neither ok nor fired, never alerts and never fails the monitor, and
    is counted apart. A team's check returns one the same way, e.g.

        if len(view.served) < 50:
            return Check.not_judged("premium_share", "plan", "fewer than 50 served rows")
    """

    rule: str  # feature_drift, prediction_shift, schema, invalid_inputs, errors, latency, ...
    subject: str
    value: float | None
    limit: float | None
    fired: bool
    detail: str
    reason: str | None = None  # why the rule was not judged (then no value); None: it was

    def __post_init__(self) -> None:
        if self.reason is None:
            return
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise ValueError(f"Check {self.rule}: a rule not judged needs a reason (a text)")
        if self.fired:
            raise ValueError(f"Check {self.rule}: a rule not judged cannot have fired")
        if self.value is not None:
            raise ValueError(
                f"Check {self.rule}: a rule not judged has no value (say what was seen in detail)"
            )

    @classmethod
    def not_judged(
        cls, rule: str, subject: str, reason: str, limit: float | None = None, detail: str = ""
    ) -> "Check":
        """`rule` on `subject` not judged, because of `reason` (one line: "fewer than 200
        served rows"); `detail` adds what was seen ("12 in the window")."""
        return cls(rule, subject, None, limit, False, detail, reason)

    @property
    def status(self) -> str:
        """ok, fired or not_judged."""
        return NOT_JUDGED if self.reason is not None else FIRED if self.fired else OK

    @property
    def text(self) -> str:
        """The one line to show: the detail, after the reason when it was not judged."""
        said = (
            self.detail
            if self.reason is None
            else ": ".join(part for part in (self.reason, self.detail) if part)
        )
        return " ".join(str(said).split())

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "subject": self.subject,
            "status": self.status,
            "value": self.value,
            "limit": self.limit,
            "fired": bool(self.fired),
            "detail": self.detail,
            "reason": self.reason,
        }


def counts(checks: Iterable[Check]) -> dict[str, int]:
    """How many checks are ok, fired and not judged (each check in exactly one)."""
    found = Counter(check.status for check in checks)
    return {status: found[status] for status in (OK, FIRED, NOT_JUDGED)}


def summary_line(checks: list[Check]) -> str:
    """One line of the counts and of why the rules not judged were not (each reason once):
    `3 ok, 1 fired, 2 not judged (fewer than 200 served rows)`."""
    found = counts(checks)
    line = f"{found[OK]} ok, {found[FIRED]} fired, {found[NOT_JUDGED]} not judged"
    reasons = dict.fromkeys(" ".join(c.reason.split()) for c in checks if c.reason is not None)
    return f"{line} ({'; '.join(reasons)})" if reasons else line


# eq=False: the tables are compared by identity (a DataFrame has no single truth value).
@dataclass(frozen=True, eq=False)
class MonitorView:
    """What the monitor saw, handed to each of the team's checks.

    - `served`: the rows the service answered in the window (DataFrame: the features and
      `prediction`; the champion's and any earlier version's);
    - `reference`: the training set's features, what the model learnt from (DataFrame);
    - `reference_scores`: the champion's predictions on `reference` (Series, same order);
    - `settings`: params.yaml `monitor:`; `params`: the whole file (the team's own sections);
    - `version`: the champion's version; `now`: when the monitor runs (UTC).
    """

    served: Any
    reference: Any
    reference_scores: Any
    settings: Any
    version: str
    now: datetime
    params: Any = None


def plain(value: object) -> object:
    """A value JSON can hold: a team check's numpy number as a Python one, else its text."""
    return value.item() if hasattr(value, "item") else str(value)


def check_name(function: Callable) -> str:
    module = getattr(function, "__module__", None)
    name = getattr(function, "__qualname__", None) or repr(function)
    return f"{module}.{name}" if module else name


def team_checks(view: MonitorView, functions: Iterable[Callable]) -> list[Check]:
    """The Checks of each of the team's functions (`Extensions.monitor_checks`) on `view`;
    one may say its rule was not judged (`Check.not_judged`), counted apart and not alerted.
    A function that raises, or returns anything but a Check or an iterable of Checks, is a
    one-line error naming it: a broken check must not pass for a quiet one."""
    found: list[Check] = []
    for function in functions:
        name = check_name(function)
        try:
            result = function(view)
            results = [result] if isinstance(result, Check) else _items(result)
        except Exception as error:  # the team's code: whatever it raises, name the check
            raise ProjectError(
                f"monitor check {name} failed ({type(error).__name__}: {first_line(error, 200)}): "
                "fix it in extend.py, or take it out of monitor_checks"
            ) from None
        wrong = [result] if results is None else [i for i in results if not isinstance(i, Check)]
        if wrong:
            raise ProjectError(
                f"monitor check {name} returned {type(wrong[0]).__name__}, not a Check: return "
                "ml_playbook.monitoring.Check(...) or a list of them"
            )
        found += results
    return found


def _items(result: object) -> list | None:
    """The items of an iterable result (a list, a generator); None for anything else."""
    if isinstance(result, str | bytes | dict) or not isinstance(result, Iterable):
        return None
    return list(result)
