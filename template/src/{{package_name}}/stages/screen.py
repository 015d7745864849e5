"""Stage `screen`: personal data in the sources (each kind declared by the source's provenance
record?) and in the sets (no direct identifier allowed)."""

from ml_playbook.project.paths import EVALUATION_SET, PII_REPORT, TRAINING_SET
from ml_playbook.stage import outputs, step


def run(project) -> None:
    """Scan sources and sets for personal data; fail on undeclared PII or identifiers in sets."""
    from ml_playbook.governance import screening

    sources = list(project.params.sql.sources.values())
    sets = [path.as_posix() for path in (TRAINING_SET, EVALUATION_SET)]
    with step("screen: personal data in the sources (declared?) and the sets (none allowed)"):
        found = screening.screen(project.root, sources, sets)
        with outputs(project.root, PII_REPORT) as out:
            out.json(PII_REPORT, found)
