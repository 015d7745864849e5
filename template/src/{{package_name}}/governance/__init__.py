"""Data governance, fail-closed: what may reach training (signed-off provenance records) and
what personal data may sit where (declared in a source, none in a training or evaluation set)."""
