"""The launch criteria (params.yaml `launch`), judged on the metrics a version was registered
with: each floor of `launch.floors` reached on its test set, no failed verdict of the slice
and inclusion gates (evaluation.gate_verdicts), and the baseline (a one-feature model evaluated
beside every model) beaten by `launch.baseline_margin` on every test set of
`launch.baseline_sets` (default: all) where the primary metric is defined. `register` makes no champion that misses them, the first model
included; `release promote` refuses it unless --force with --reason, which is recorded."""

from collections.abc import Mapping


def shortfalls(project, metrics: Mapping[str, float]) -> list[str]:
    """Why a model with these recorded metrics may not be champion; empty when it may."""
    params = project.params
    name, lower = params.evaluate.primary_metric, project.primary_metric.lower_is_better
    problems = []
    for set_name, floor in params.launch.floors.items():
        value = metrics.get(f"{set_name}.{name}")
        if value is None:
            problems.append(
                f"no {set_name} {name} on record to hold to launch.floors.{set_name} ({floor:g}): "
                "run `dvc repro evaluate`, then register again"
            )
        elif value > floor if lower else value < floor:
            problems.append(
                f"{set_name} {name} {value:.4f} is {'above the ceiling' if lower else 'below the floor'} "
                f"launch.floors.{set_name} ({floor:g})"
            )
    if params.evaluate.slice_gate is not None or params.evaluate.inclusion is not None:
        failed = metrics.get("gates.failed")
        if failed is None:
            problems.append(
                "no verdicts of evaluate.slice_gate / evaluate.inclusion on record: run `dvc "
                "repro evaluate`, then register again"
            )
        elif failed:
            problems.append(
                f"{int(failed)} slice or inclusion gate verdict(s) failed (reports/metrics.json "
                "`gates`)"
            )
    margin, compared = params.launch.baseline_margin, params.launch.baseline_sets
    for spec in params.test_sets:
        if compared is not None and spec.name not in compared:
            continue
        if f"{spec.name}.rows" not in metrics:
            problems.append(
                f"no {spec.name} metrics on record to compare with the baseline: run `dvc repro "
                "evaluate`, then register again"
            )
            continue
        value = metrics.get(f"{spec.name}.{name}")
        if value is None:  # not defined on this set's rows (one class, say): nothing to compare
            continue
        baseline = metrics.get(f"baseline.{spec.name}.{name}")
        if baseline is None:
            problems.append(
                f"no baseline {spec.name} {name} on record: run `dvc repro evaluate` (it "
                "evaluates the baseline beside the model), then register again"
            )
        elif (baseline - value if lower else value - baseline) < margin:
            problems.append(
                f"{spec.name} {name} {value:.4f} does not beat the baseline's {baseline:.4f} by "
                f"launch.baseline_margin ({margin:g})"
            )
    return problems
