"""Stage `split`: the SQL set models, built with dbt: the time-based training and evaluation sets."""

from ml_playbook.project.paths import PROCESSED_DIR
from ml_playbook.stage import outputs, step


def run(project) -> None:
    """Run the SQL set models: the time-based training and evaluation sets."""
    from ml_playbook import sql

    month = project.params.split.eval_from_month
    with (
        step(f"split: snapshots before month {month} train, the rest evaluate"),
        outputs(project.root, PROCESSED_DIR) as out,
    ):
        sql.build_into(
            project,
            ("sets",),
            out.path(PROCESSED_DIR),
            empty="check params.yaml split.eval_from_month against the months in the data",
        )
