"""Stage `generate`: the SQL staging and feature models, built with dbt into data/interim/."""

from ml_playbook.project.paths import INTERIM_DIR
from ml_playbook.stage import outputs, step


def run(project) -> None:
    """Run the SQL staging and feature models; write data/interim/."""
    from ml_playbook import sql

    engine = project.params.sql.engine
    with (
        step(f"generate: SQL models (staging, features) with dbt on {engine}"),
        outputs(project.root, INTERIM_DIR) as out,
    ):
        sql.build_into(project, ("staging", "features"), out.path(INTERIM_DIR))
