"""The service answers each prediction with its decision at the threshold the served version
recorded (`evaluate` chose it by `evaluate.operating_point`), and scores alone without one."""

from ml_playbook.modeling.metrics import CLASSIFICATION
from ml_playbook.registry import CHAMPION, Candidate
from ml_playbook.serving.service import build_service
from tests.library.serving.conftest import AppClient, serve_project


def test_the_service_decides_with_the_threshold_its_version_records(tmp_path, trained):
    # Given a served champion whose run recorded the chosen threshold
    served = serve_project(tmp_path / "project", trained[CLASSIFICATION])
    model = served.registry.load(served.name, "1")
    version = served.registry.register(
        served.name,
        Candidate(model=model, run_name="chosen", metrics={"operating_point.threshold": 0.2}),
    )
    served.registry.set_alias(served.name, CHAMPION, version.version)

    # When rows are predicted
    with AppClient(build_service(served.project)) as client:
        answer = client.post("/predict", {"rows": served.examples}).json()

    # Then each prediction comes with its decision at that threshold
    assert answer["threshold"] == 0.2
    assert answer["decisions"] == [int(score >= 0.2) for score in answer["predictions"]]
    assert sum(answer["decisions"]) > 0 or max(answer["predictions"]) < 0.2


def test_a_version_without_a_recorded_threshold_answers_scores_only(served):
    with AppClient(build_service(served.project)) as client:
        answer = client.post("/predict", served.examples[0]).json()

    assert "decisions" not in answer and "threshold" not in answer
