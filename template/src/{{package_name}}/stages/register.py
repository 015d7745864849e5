"""Stage `register`: the run logged to the registry with everything needed to trust it, the model
registered as challenger, and promoted to champion if it beats the champion by the margin."""

from ml_playbook.project.paths import (
    EVALUATION_REPORT,
    EVALUATION_SET,
    METRICS,
    MODEL,
    REGISTRY_DECISION,
    TRAINING_SET,
    VALIDATION_REPORT,
)
from ml_playbook.stage import console, load_model, outputs, read_json, read_parquet, step


def run(project) -> None:
    """Log the run, register the model, promote it if it wins."""
    from ml_playbook.evaluation.sets import logged_metrics
    from ml_playbook.registry import Candidate, open_registry
    from ml_playbook.release import gate

    params, root = project.params, project.root
    registry = open_registry(project)
    with step(f"register in {registry.uri}"):
        example = gate.example_rows(project, read_parquet(root, EVALUATION_SET, "split"))
        candidate = Candidate(
            model=load_model(root, MODEL),
            run_name=f"{params.registry.model_name}-{params.train.model}",
            params=gate.flat_params(params),
            metrics=logged_metrics(read_json(root, METRICS, "evaluate")),
            example=example,
            tags=gate.provenance_tags(root, {"train": TRAINING_SET, "eval": EVALUATION_SET}),
            artifacts=[root / VALIDATION_REPORT, root / EVALUATION_REPORT],
        )
        decision = gate.register(project, candidate, registry)
        with outputs(root, REGISTRY_DECISION) as out:
            out.json(REGISTRY_DECISION, decision.as_dict())
    alias = "champion" if decision.promoted else "challenger"
    console().print(f"  {decision.model_name} v{decision.version} is {alias}: {decision.reason}")
