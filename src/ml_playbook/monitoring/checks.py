"""What the monitor reports (`Check`), what a team's own check is given (`MonitorView`), and
running those checks. Nothing heavy is imported here: a project's extend.py imports it."""

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from ..errors import ProjectError, first_line


@dataclass(frozen=True)
class Check:
    """One rule applied: the figure found for `subject` against its `limit`, whether it
    tripped, and one line saying what was seen."""

    rule: str  # feature_drift, prediction_shift, schema, invalid_inputs, errors, latency, ...
    subject: str
    value: float | None
    limit: float | None
    fired: bool
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


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
    """The Checks of each of the team's functions (`Extensions.monitor_checks`) on `view`.
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
