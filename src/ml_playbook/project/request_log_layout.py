"""The columns of the service's request log and their Arrow types: the request's metadata first,
then the model's features, then the answer. The service writes them (serving.request_log), the
monitor reads them, and params.py refuses a feature that would take one of these names."""

UTC_MICROSECONDS = "timestamp[us, tz=UTC]"  # pyarrow has no alias for a time zone's type
METADATA_COLUMNS = {
    "request_id": "string",
    "logged_at": UTC_MICROSECONDS,
    "status": "int16",
    "latency_ms": "double",
    "model_version": "string",
}
ANSWER_COLUMNS = {"prediction": "double", "problem": "string"}
OWN_COLUMNS = (*METADATA_COLUMNS, *ANSWER_COLUMNS)
