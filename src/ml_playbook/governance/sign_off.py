"""The training gate: no training on a data set whose provenance record is missing, invalid or
not approved. The records and their schema belong to provenance.py (the same code as the
check-data-records hook)."""

from pathlib import Path

from ..errors import ProjectError


def require_signed_off_records(root: Path, data_sets: list[str]) -> None:
    """Raise, one line per data set to fix, unless every one has an approved record."""
    from . import provenance

    problems = provenance.gate(data_sets, root)
    if problems:
        raise ProjectError(*problems)
