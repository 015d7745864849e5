"""Serving: the registry's model behind a small FastAPI service (contract, loader, metrics, log)."""
