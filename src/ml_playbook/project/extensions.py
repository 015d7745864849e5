"""The extension points: what a team adds to the library's machinery without changing it.

A project declares its additions once, in its `extend.py`, and hands them to the library in
its `cli.py` (`ProjectSpec(extensions=...)`): nothing is registered by importing a module.

- `metrics`: task -> name -> `Metric(function)`, where `function(label, score) -> float`. Each
  is computed wherever the standard metrics are (every test set and slice, MLflow, `score`,
  `eval`), may be `evaluate.primary_metric` (the registry gate), and is a scorer for `explain`.
- `slices`: name -> `function(frame) -> Series` of group labels, one per row. A test set's
  `slices:` in params.yaml may name one beside its columns (say an age band from `age_years`).
- `monitor_checks`: functions of the monitor's view (`ml_playbook.monitoring.MonitorView`:
  the served rows, the reference, the settings) returning one `Check` or several; the monitor
  runs them after its own rules, reports them and alerts on them alike.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..modeling.metrics import Metric


@dataclass(frozen=True)
class Extensions:
    metrics: Mapping[str, Mapping[str, Metric]] = field(default_factory=dict)
    slices: Mapping[str, Callable] = field(default_factory=dict)
    monitor_checks: Sequence[Callable] = ()
