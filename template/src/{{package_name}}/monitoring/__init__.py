"""Monitoring: the served sample against the training reference — drift, schema, prediction
shift, staleness, latency and errors — with rules from params.yaml, an alert and a report."""
