"""The service in this process, on a project's in-memory registry: health and readiness name
the champion, predictions are the offline ones, a bad request gets a 4xx naming the field,
/metrics counts what happened, the request log keeps features and no personal data, and a
moved alias is served without a restart."""

import json
import time

import duckdb
import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.governance.pii_scan import scan_path
from ml_playbook.registry import CHAMPION, Candidate
from ml_playbook.serving.service import build_service
from tests.library.serving.conftest import (
    MAX_ROWS,
    AppClient,
    counting,
    eventually,
    serve_project,
)


def served_version(client) -> str:
    return client.get("/ready").json()["model"]["version"]


def test_health_and_ready_name_the_champion(served, client):
    health = client.get("/health")
    ready = client.get("/ready")

    assert (health.status, health.json()) == (200, {"status": "ok", "model": "ready"})
    assert ready.status == 200
    assert ready.json()["model"] == {"name": served.name, "version": "1", "alias": "champion"}


def test_served_predictions_equal_the_offline_ones(tmp_path, trained, task):
    # Given the champion of a project of each task, served
    served = serve_project(tmp_path / "project", trained[task], task)
    expected = served.offline("1")

    # When the examples are sent as a batch and the first as one row
    with AppClient(build_service(served.project)) as client:
        batch = client.post("/predict", {"rows": served.examples})
        one = client.post("/predict", served.examples[0])

    # Then the answers are the model's offline predictions, named by version
    assert batch.status == 200
    assert batch.headers["x-model-version"] == "1"
    assert batch.json()["model"]["version"] == "1"
    assert batch.json()["predictions"] == expected
    assert one.json()["predictions"] == expected[:1]


def _without(served, name: str) -> dict:
    row = served.row()
    del row[name]
    return row


# (case, body as a function of the served project, the field the 422 must name)
BAD_BODIES = [
    ("missing field", lambda s: _without(s, "monthly_fee"), "monthly_fee"),
    ("wrong type", lambda s: s.row(tenure_months="twelve"), "tenure_months"),
    ("fraction for a count", lambda s: s.row(sessions_window=2.5), "sessions_window"),
    ("number as text", lambda s: s.row(monthly_fee="9.5"), "monthly_fee"),
    ("unknown category", lambda s: s.row(plan="platinum"), "plan"),
    ("out of range", lambda s: s.row(tenure_months=5000), "tenure_months"),
    ("negative", lambda s: s.row(monthly_fee=-1.0), "monthly_fee"),
    ("null", lambda s: s.row(country=None), "country"),
    ("against the pattern", lambda s: s.row(country="kr"), "country"),
    ("category the model never saw", lambda s: s.row(country="ZZ"), "country"),
    (
        "unseen category in a batch",
        lambda s: {"rows": [s.row(), s.row(country="ZZ")]},
        "rows[1].country",
    ),
    ("unknown field", lambda s: s.row(shoe_size=44), "shoe_size"),
    ("empty batch", lambda s: {"rows": []}, "rows"),
    ("oversized batch", lambda s: {"rows": s.examples * 2}, "rows"),
    ("bad row in a batch", lambda s: {"rows": [s.row(), 7]}, "rows[1]"),
    ("not an object", lambda s: [1, 2], "body"),
]


@pytest.mark.parametrize(
    ("body", "field"), [case[1:] for case in BAD_BODIES], ids=[case[0] for case in BAD_BODIES]
)
def test_a_body_that_breaks_the_contract_gets_a_422_naming_the_field(served, client, body, field):
    answer = client.post("/predict", body(served))

    assert answer.status == 422, answer.text
    assert field in answer.json()["error"]


def test_several_problems_are_each_named_and_counted_in_the_error(served, client):
    answer = client.post("/predict", served.row(plan="platinum", monthly_fee=-1.0))

    assert answer.status == 422
    assert answer.json()["error"].endswith("(and 1 more)")
    assert [problem.split(":")[0] for problem in answer.json()["problems"]] == [
        "monthly_fee",
        "plan",
    ]


def test_an_unseen_category_names_the_values_the_model_knows(served, client):
    answer = client.post("/predict", served.row(country="ZZ"))

    assert answer.json()["error"] == (
        "country: this value was never seen in training (known: GB, KR, US)"
    )


def _with_number(served, literal: str) -> bytes:
    """The first example with monthly_fee written as `literal` (JSON's own non-numbers)."""
    return json.dumps(served.row(monthly_fee="__fee__")).replace('"__fee__"', literal).encode()


JSON = "application/json"
# (case, raw body as a function of the served project, content type, status, words in the error)
BAD_BYTES = [
    ("NaN", lambda s: _with_number(s, "NaN"), JSON, 422, "monthly_fee"),
    ("Infinity", lambda s: _with_number(s, "Infinity"), JSON, 422, "monthly_fee"),
    ("malformed JSON", lambda s: b'{"rows": [', JSON, 422, "JSON"),
    ("empty body", lambda s: b"", JSON, 422, "body is empty"),
    ("form", lambda s: b"plan=basic", "application/x-www-form-urlencoded", 415, JSON),
    ("no content type", lambda s: json.dumps(s.row()).encode(), "", 415, JSON),
    ("too large", lambda s: b"[" + b" " * 300_000 + b"]", JSON, 413, "bytes"),
]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [case[1:] for case in BAD_BYTES],
    ids=[case[0] for case in BAD_BYTES],
)
def test_a_body_that_is_not_json_gets_a_4xx_saying_so(
    served, client, body, content_type, status, words
):
    answer = client.post("/predict", raw=body(served), content_type=content_type)

    assert answer.status == status, answer.text
    assert words in answer.json()["error"]


def test_the_largest_batch_allowed_is_served(served, client):
    rows = (served.examples * 2)[:MAX_ROWS]

    answer = client.post("/predict", {"rows": rows})

    assert answer.status == 200
    assert len(answer.json()["predictions"]) == MAX_ROWS


def test_metrics_count_requests_by_status_and_name_the_served_version(served, client):
    client.post("/predict", served.row())
    client.post("/predict", served.row(plan="platinum"))

    answer = client.get("/metrics")

    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert 'http_requests_total{path="/predict",status="200"} 1' in text
    assert 'http_requests_total{path="/predict",status="422"} 1' in text
    assert 'predict_latency_seconds_bucket{le="+Inf"} 2' in text
    labels = f'name="{served.name}",version="1",alias="champion"'
    assert "served_model_info{" + labels + "} 1" in text
    assert "served_model_version 1" in text


def test_the_request_log_holds_features_and_no_personal_data(served):
    # Given a service logging every request
    personal = {"email": "kim.minjun@example.org", "phone": "010-1234-5678"}  # pii: allow
    folder = served.project.path(served.project.params.serve.log_dir)

    # When a request carrying personal data is refused and a batch is served, then it stops
    with AppClient(build_service(served.project)) as client:
        assert client.post("/predict", served.row(**personal)).status == 422
        assert client.post("/predict", {"rows": served.examples}).status == 200

    # Then the log has the features and the refusal's reason, never the personal data
    table = duckdb.execute(
        "select * from read_parquet(?)", [[str(p) for p in folder.glob("*.parquet")]]
    ).df()
    assert set(served.project.params.train.features) <= set(table.columns)
    assert not {"email", "phone"} & set(table.columns)
    assert table["problem"].fillna("").str.contains("extra_forbidden").any()
    assert (table["status"] == 200).sum() == len(served.examples)
    assert table.loc[table["status"] == 200, "prediction"].tolist() == served.offline("1")
    assert list(scan_path(folder, frozenset())) == []
    for path in folder.glob("*.parquet"):
        assert b"kim.minjun" not in path.read_bytes()


def test_a_refused_request_logs_only_the_names_of_known_features(served):
    folder = served.project.path(served.project.params.serve.log_dir)

    with AppClient(build_service(served.project)) as client:
        client.post("/predict", served.row(monthly_fee="secret-value", customer_email="x@y.z"))

    table = duckdb.execute(f"select problem from read_parquet('{folder}/*.parquet')").df()
    assert table["problem"].tolist() == ["field:extra_forbidden; monthly_fee:float_type"]


def test_a_promotion_is_served_without_a_restart(served, client):
    served.registry.set_alias(served.name, CHAMPION, "2")

    eventually(lambda: served_version(client) == "2")
    answer = client.post("/predict", {"rows": served.examples}).json()

    assert answer["model"] == {"name": served.name, "version": "2", "alias": "champion"}
    assert answer["predictions"] == served.offline("2")
    assert answer["predictions"] != served.offline("1")


def test_a_pinned_version_is_served_whatever_the_alias_does(served):
    with AppClient(build_service(served.project, version="2")) as client:
        served.registry.set_alias(served.name, CHAMPION, "2")
        served.registry.set_alias(served.name, CHAMPION, "1")
        time.sleep(0.1)  # five polls, were there a poller
        ready = client.get("/ready").json()

    assert ready["model"] == {"name": served.name, "version": "2", "alias": None}


def test_an_alias_that_cannot_be_read_keeps_the_loaded_model_served(served, client, caplog):
    # Given the registry fails when the poller asks it
    def broken(name, alias):
        raise ProjectError("the registry at memory:// cannot be read")

    served.registry.alias = broken

    # When polls go by, then the champion that was loaded still answers and the failure is said
    eventually(lambda: "cannot be read" in caplog.text)
    assert client.post("/predict", served.row()).headers["x-model-version"] == "1"


def test_a_served_alias_the_registry_lacks_is_one_line_naming_it(served):
    with AppClient(build_service(served.project, alias="staging")) as client:
        ready = client.get("/ready")

    assert ready.status == 503
    assert ready.json() == {
        "ready": False,
        "status": "failed",
        "error": f"model '{served.name}' has no alias 'staging' in memory://: run `make "
        "pipeline`, or check `make registry`",
    }


def test_a_pinned_version_the_registry_lacks_is_one_line_naming_it(served):
    with AppClient(build_service(served.project, version="9")) as client:
        ready = client.get("/ready").json()

    assert ready["error"].startswith(f"model '{served.name}' has no version 9 in memory://")


def test_concurrent_requests_share_calls_of_the_model_and_get_their_own_answers(served):
    # Given a champion that counts the rows of each call
    model = counting(served.models.champion)
    served.registry.register(served.name, Candidate(model=model, run_name="counted"))
    served.registry.set_alias(served.name, CHAMPION, "3")
    payloads = [{"rows": [row]} for row in served.examples]

    # When every example is sent at once, one request each
    with AppClient(build_service(served.project)) as client:
        answers = client.post_all("/predict", payloads)
        metrics = client.get("/metrics").text

    # Then each request has its own prediction, from fewer calls than requests
    assert [a.json()["predictions"] for a in answers] == [[p] for p in served.offline("1")]
    assert sum(model.calls) == len(payloads)
    assert len(model.calls) < len(payloads)
    assert f'http_requests_total{{path="/predict",status="200"}} {len(payloads)}' in metrics
