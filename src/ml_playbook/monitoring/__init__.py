"""Monitoring: the served sample against the training reference — drift, schema, prediction
shift, staleness, latency and errors — with rules from params.yaml, the team's own checks
(`Extensions.monitor_checks`), an alert and a report.

A team's check is a function of a `MonitorView` returning one `Check` or several; both are
importable from here without loading pandas, so a project's extend.py stays light."""

from .checks import Check, MonitorView

__all__ = ["Check", "MonitorView"]
