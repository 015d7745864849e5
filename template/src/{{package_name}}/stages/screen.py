"""Stage `screen`: scan the sources and the sets for personal data; fail on personal data a
source's provenance record does not declare, or on any direct identifier in a set."""

from pathlib import Path

from ..config import Params
from ..errors import ProjectError
from ..paths import EVALUATION_SET, PII_REPORT, PROCESSED_DIR, TRAINING_SET
from . import step, write_json, wrote

INPUTS = (PROCESSED_DIR,)  # and the sources params.yaml names (sql.sources), and their records
OUTPUTS = (PII_REPORT.parent,)


def run(root: Path, params: Params) -> list[Path]:
    from ml_playbook import provenance

    from ..governance.screening import direct_identifiers, scan, undeclared

    with step("screen: personal data in the sources (declared?) and the sets (none allowed)"):
        records = [record for record in provenance.load_records(root) if record.valid]
        sources = list(params.sql.sources.values())
        sets = [path.as_posix() for path in (TRAINING_SET, EVALUATION_SET)]
        found = {}
        for relative in [*sources, *sets]:
            if not (root / relative).is_file():
                raise ProjectError(f"{relative} does not exist: run the stages before `screen`")
            found[relative] = [
                {**finding.as_dict(), "path": relative} for finding in scan(root / relative, root)
            ]
        problems = [
            problem
            for source in sources
            for problem in undeclared(
                source, found[source], next((r for r in records if r.covers(source)), None)
            )
        ]
        problems += [
            problem
            for data_set in sets
            for problem in direct_identifiers(data_set, found[data_set])
        ]
        path = write_json(root / PII_REPORT, found)
        if problems:
            raise ProjectError(*problems)
    return wrote(root, [path])
