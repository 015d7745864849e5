"""/metrics in Prometheus's text format: requests counted by path and status, a cumulative
latency histogram of /predict, and the served model named (label values escaped)."""

from ml_playbook.serving.loader import LoadedModel, ModelSlot
from ml_playbook.serving.metrics import ServiceMetrics


def test_latency_buckets_are_cumulative_and_count_only_predictions():
    metrics = ServiceMetrics()
    for seconds in (0.0005, 0.003, 0.003, 7.0):
        metrics.observe("/predict", 200, seconds)
    metrics.observe("/health", 200, 9.0)

    text = metrics.render(ModelSlot(LoadedModel("m", "4", "champion", model=None)))

    assert 'predict_latency_seconds_bucket{le="0.001"} 1' in text
    assert 'predict_latency_seconds_bucket{le="0.0025"} 1' in text
    assert 'predict_latency_seconds_bucket{le="0.005"} 3' in text
    assert 'predict_latency_seconds_bucket{le="5.0"} 3' in text
    assert 'predict_latency_seconds_bucket{le="+Inf"} 4' in text
    assert "predict_latency_seconds_count 4" in text
    assert 'http_requests_total{path="/health",status="200"} 1' in text
    assert "\nserved_model_version 4\n" in text


def test_label_values_are_escaped_and_a_pinned_model_has_an_empty_alias():
    text = ServiceMetrics().render(ModelSlot(LoadedModel('odd"name\\', "2", None, model=None)))

    assert 'served_model_info{name="odd\\"name\\\\",version="2",alias=""} 1' in text
