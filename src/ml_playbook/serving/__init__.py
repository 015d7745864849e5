"""Serving: the registry's model behind a small FastAPI service — its request contract
(`contract`), the model it serves and follows (`loader`), batching, Prometheus metrics, the
sampled request log, and `service.build_service`, which puts them together."""
