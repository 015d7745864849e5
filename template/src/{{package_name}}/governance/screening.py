"""Personal data in the pipeline's tables: find it (ml_playbook.pii_scan, the same detectors as
the check-pii hook), and judge it — a source may hold only what its provenance record declares;
a training or evaluation set may hold no direct identifier."""

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import ProjectError


def scan(path: Path, root: Path) -> Iterator:
    """Findings in a table, a text file or a folder, with the project's settings: the values
    of its .pii-allowlist and the phone regions of its pyproject.toml (`[tool.ml-playbook]
    pii-phone-regions`). A file that cannot be scanned is a ProjectError (the scanner's own
    error, turned into the project's at this edge)."""
    from ml_playbook import pii
    from ml_playbook.pii_scan import ScanError, scan_path

    allowlist = pii.load_allowlist(root / pii.ALLOWLIST_FILE)
    regions = pii.phone_regions(str(root / "pyproject.toml"))
    try:
        yield from scan_path(path, allowlist, regions)
    except ScanError as error:
        raise ProjectError(str(error)) from None


def describe(finding: dict) -> str:
    from ml_playbook.pii import KINDS_BY_NAME

    kind = KINDS_BY_NAME[finding["kind"]].description
    return f"{kind}s ({finding['count']} rows, e.g. {finding['example']})"


def undeclared(source: str, findings: Iterable[dict], record) -> list[str]:
    """A line for each kind found in a column of `source` that its record (or None) does not declare."""
    declared = {(f["column"], f["kind"]) for f in record.data["pii"]["fields"]} if record else set()
    owner = record.path if record else "no provenance record"
    return [
        f"{source}: column '{finding['column']}' holds {describe(finding)}, which {owner} does "
        "not declare; add it under pii.fields with its treatment"
        for finding in findings
        if (finding["column"], finding["kind"]) not in declared
    ]


def direct_identifiers(data_set: str, findings: Iterable[dict]) -> list[str]:
    """A line for each direct identifier found in a training or evaluation set."""
    from ml_playbook.pii import DIRECT_IDENTIFIERS

    return [
        f"{data_set}: column '{finding['column']}' holds {describe(finding)}; direct identifiers "
        "never reach a training or evaluation set: drop or pseudonymise it in sql/staging"
        for finding in findings
        if finding["kind"] in DIRECT_IDENTIFIERS
    ]
