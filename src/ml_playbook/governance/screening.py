"""Personal data in the pipeline's tables: find it (pii_scan, the same detectors as the
check-pii hook), and judge it — a source may hold only what its provenance record declares; a
training or evaluation set may hold no direct identifier.

A source whose record is broken is not judged against it: the problem is the record, and the
message names its file, the field and what to fix, rather than blaming the data.
"""

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import ProjectError
from ..files import shown
from . import provenance


def scan(path: Path, root: Path) -> Iterator:
    """Findings in a table, a text file or a folder, with the project's settings: the values
    of its .pii-allowlist and the phone regions of its pyproject.toml (`[tool.ml-playbook]
    pii-phone-regions`). A file that cannot be scanned is a ProjectError (the scanner's own
    error, turned into the project's at this edge)."""
    from . import pii
    from .pii_scan import ScanError, scan_path

    allowlist = pii.load_allowlist(str(root / pii.ALLOWLIST_FILE))
    regions = pii.phone_regions(str(root / pii.SETTINGS_FILE))
    try:
        yield from scan_path(path, allowlist, regions)
    except ScanError as error:
        raise ProjectError(str(error)) from None


def screen(root: Path, sources: list[str], sets: list[str]) -> dict[str, list[dict]]:
    """The findings in each source and set (paths relative to `root`), or a ProjectError with
    one line per problem: personal data a source's record does not declare (or a source with
    no record, or a broken one), a direct identifier in a set, a file that is missing."""
    found = {}
    for relative in [*sources, *sets]:
        if not (root / relative).is_file():
            raise ProjectError(f"{relative} does not exist: run the stages before `screen`")
        found[relative] = [
            {**finding.as_dict(), "path": relative} for finding in scan(root / relative, root)
        ]
    records = provenance.load_records(root)
    problems = [
        problem
        for source in sources
        for problem in undeclared(source, found[source], covering(records, source), records, root)
    ]
    problems += [
        problem for data_set in sets for problem in direct_identifiers(data_set, found[data_set])
    ]
    if problems:
        raise ProjectError(*problems)
    return found


def covering(records: list, source: str):
    """The record whose paths cover `source` (a valid one first); None if none does."""
    found = sorted(
        (record for record in records if record.covers(source)), key=lambda record: not record.valid
    )
    return found[0] if found else None


def place(finding: dict) -> str:
    """Where in its file a finding is: a table's column, or a text file's line."""
    if finding.get("column") is not None:
        return f"column '{finding['column']}'"
    return f"line {finding.get('line')}"


def describe(finding: dict) -> str:
    from .pii import KINDS_BY_NAME

    kind = plural(KINDS_BY_NAME[finding["kind"]].description)
    return f"{kind} ({finding['count']} rows, e.g. {finding['example']})"


def plural(words: str) -> str:
    """ "email address" -> "email addresses", "IBAN (bank account)" -> "IBANs (bank account)"."""
    head, bracket, rest = words.partition(" (")
    return head + ("es" if head.endswith("s") else "s") + bracket + rest


def named(path: Path, root: Path | None) -> str:
    """A record's file as the user knows it: relative to the project root."""
    if root is not None and path.is_relative_to(root):
        path = path.relative_to(root)
    return shown(path.as_posix())


def undeclared(
    source: str, findings: Iterable[dict], record, records: list = (), root: Path | None = None
) -> list[str]:
    """What keeps the personal data found in `source` from being checked against its record:
    a line per kind the record does not declare; or, with findings to judge, the record's own
    problems (it is broken) or a line per finding when no record covers the source. `records`
    (every record read) names the unreadable ones, which cover nothing they can be asked about;
    files are named relative to `root`."""
    findings = list(findings)
    if not findings:
        return []
    if record is None:
        unreadable = [named(r.path, root) for r in records if not r.valid and not r.data]
        them = "it" if len(unreadable) == 1 else "them"
        also = f" ({', '.join(unreadable)} cannot be read: fix {them} first)" if unreadable else ""
        return [
            f"{source}: {place(finding)} holds {describe(finding)}, and no provenance record "
            f"covers {source}{also}: add {provenance.RECORDS_DIR.as_posix()}/<name>.yml listing it under "
            "pii.fields with its treatment"
            for finding in findings
        ]
    if not record.valid:
        prefix = shown(str(record.path)) + ": "
        return [
            f"{source}: its provenance record {named(record.path, root)} is broken "
            f"({problem.removeprefix(prefix).rstrip('.')}), so the personal data found "
            "cannot be checked against it; fix the record and run `screen` again"
            for problem in record.problems
        ]
    declared = {(field["column"], field["kind"]) for field in record.data["pii"]["fields"]}
    return [
        f"{source}: {place(finding)} holds {describe(finding)}, which "
        f"{named(record.path, root)} does not declare; add it under pii.fields with its treatment"
        for finding in findings
        if (finding.get("column"), finding["kind"]) not in declared
    ]


def direct_identifiers(data_set: str, findings: Iterable[dict]) -> list[str]:
    """A line for each direct identifier found in a training or evaluation set."""
    from .pii import DIRECT_IDENTIFIERS

    return [
        f"{data_set}: {place(finding)} holds {describe(finding)}; direct identifiers "
        "never reach a training or evaluation set: drop or pseudonymise it in sql/staging"
        for finding in findings
        if finding["kind"] in DIRECT_IDENTIFIERS
    ]
