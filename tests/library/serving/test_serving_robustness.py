"""What one bad request or one failed write cannot do: an integer outside int64 is refused
naming the field (and the log goes on), a failed write of the log is counted and the next one
happens, a feature cannot take a log column's name, and a swap of the model between a request's
checks and its scoring does not pair one version's checks with another's answer."""

import dataclasses

import duckdb
import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.serving.app import create_app
from ml_playbook.serving.loader import ModelSlot, load
from ml_playbook.serving.request_log import RequestLog
from tests.library.factory import params_dict, write_project
from tests.library.serving.conftest import AppClient, eventually


def logged_statuses(folder) -> list[int]:
    files = sorted(str(path) for path in folder.glob("*.parquet"))
    if not files:
        return []
    return duckdb.execute("select status from read_parquet(?)", [files]).df()["status"].tolist()


def test_an_integer_outside_int64_is_refused_naming_it_and_later_requests_are_logged(
    served, client
):
    folder = served.project.path(served.project.params.serve.log_dir)

    for hostile in (10**30, -(10**30), 10**1000):
        answer = client.post("/predict", served.row(sessions_window=hostile))
        assert answer.status == 422, answer.text
        assert answer.json()["error"].startswith("sessions_window: ")
    assert client.post("/predict", served.row()).status == 200

    # (the refusals may be flushed first, in a file of their own)
    assert eventually(lambda: 200 in logged_statuses(folder))
    assert "request_log_dropped_total 0" in client.get("/metrics").text


def test_a_failed_write_of_the_log_is_counted_and_the_next_write_happens(served, capfd):
    from ml_playbook.serving.service import build_service

    folder = served.project.path(served.project.params.serve.log_dir)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("")  # a file where the folder should be: every write fails

    with AppClient(build_service(served.project)) as client:
        assert client.post("/predict", served.row()).status == 200
        eventually(lambda: "request_log_dropped_total 1\n" in client.get("/metrics").text)
        folder.unlink()
        assert client.post("/predict", served.row()).status == 200
        assert eventually(lambda: logged_statuses(folder)) == [200]

    complaints = [line for line in capfd.readouterr().err.splitlines() if "request log" in line]
    assert len(complaints) == 1
    assert "FileExistsError" in complaints[0]


def test_a_write_that_fails_drops_only_its_own_records(tmp_path):
    log = RequestLog(tmp_path / "logs", {"x": "int64"}, 1.0, 3600.0)
    log.record(200, 1.0, "1", rows=[{"x": 10**30}, {"x": 1}], predictions=[0.5, 0.5])

    with pytest.raises(OverflowError):
        log.flush()
    log.record(200, 1.0, "1", rows=[{"x": 2}], predictions=[0.5])

    assert log.dropped == 2
    assert log.flush() is not None
    assert [path.suffix for path in log.folder.iterdir()] == [".parquet"]  # no half file left


@pytest.mark.parametrize("column", ["status", "prediction", "logged_at"])
def test_a_feature_named_like_a_request_log_column_is_refused(tmp_path, column):
    train = params_dict()["train"]
    train["numeric_features"] = [*train["numeric_features"], column]

    with pytest.raises(ProjectError) as caught:
        write_project(tmp_path / "project", train=train)

    assert len(caught.value.problems) == 1
    assert (
        f"feature '{column}' has the name of a column of the service's request log"
        in (caught.value.problems[0])
    )


class SwapWhenRead(dict):
    """Training ranges whose reading swaps another model into the slot: the follower's swap
    landing between a request's checks and its scoring."""

    def __init__(self, ranges, slot: ModelSlot, newer):
        super().__init__(ranges)
        self.slot, self.newer = slot, newer

    def items(self):
        self.slot.swap(self.newer)
        return super().items()


def test_a_swap_after_the_checks_is_scored_by_the_checked_version(served):
    name = served.name
    checked, newer = (load(served.registry, name, None, version) for version in ("1", "2"))
    slot = ModelSlot()
    slot.swap(dataclasses.replace(checked, ranges=SwapWhenRead(checked.ranges, slot, newer)))
    app = create_app(served.project.params, slot)
    app.state.slot = slot
    row = served.row()

    with AppClient(app) as client:
        answer = client.post("/predict", row)

    assert slot.current is newer  # the swap did happen, during the checks
    assert answer.status == 200, answer.text
    assert answer.headers["x-model-version"] == "1"
    assert answer.json()["predictions"] == pytest.approx(served.offline("1", [row]))
