"""Stage `synthesize`: the bundled synthetic source tables, written to data/raw/."""

from ml_playbook.project.paths import RAW_DIR
from ml_playbook.stage import outputs, step

RAW_TABLES = {"customers": RAW_DIR / "customers.parquet", "activity": RAW_DIR / "activity.parquet"}


def run(project) -> None:
    """Write the bundled synthetic source tables to data/raw/."""
    from ..synthetic import generate

    settings = project.params.synthetic
    with step(f"synthesize {settings.customers} customers"):
        tables = generate(settings.customers, settings.months, project.params.seed)
        with outputs(project.root, *RAW_TABLES.values()) as out:
            out.parquet(RAW_TABLES["customers"], tables.customers, "raise synthetic.customers")
            out.parquet(RAW_TABLES["activity"], tables.activity, "raise synthetic.months")
