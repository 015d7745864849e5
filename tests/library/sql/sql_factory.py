"""A project for the SQL tests: its sql/ is the small dbt project of tiny_sql/ (a source read
from CSV and one from Parquet, a model in each layer, two `var()`s), with the template's own
pseudonymisation macro and one of its assertion tests beside one of tiny_sql's; its sources a
few dozen customers, its params.yaml the library's sections and the two the SQL reads."""

import shutil
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import yaml
from pydantic import Field

from ml_playbook.project import ProjectSpec
from ml_playbook.project.params import PipelineParams, Section
from ml_playbook.project.paths import INTERIM_DIR, PROCESSED_DIR, SQL_DIR
from ml_playbook.registry.memory import MemoryRegistry
from tests.library.factory import build_model, params_dict

TINY_SQL = Path(__file__).parent / "tiny_sql"
# The template's SQL the tiny project uses as it is (the macro and an assertion it shares).
TEMPLATE_SQL = Path(__file__).resolve().parents[3] / "template" / "sql"
SHARED = ("macros/pseudonymise.sql", "tests/assert_one_row_per_customer_month.sql")
MONTHS, EVAL_FROM = 8, 6
SOURCES = {"customers": "data/raw/customers.csv", "activity": "data/raw/activity.parquet"}


class FeatureWindow(Section):
    window_months: Annotated[int, Field(ge=1)] = 2


class Split(Section):
    eval_from_month: int


class TinySqlParams(PipelineParams):
    """The project's own sections its SQL reads with var(), beside the library's."""

    features: FeatureWindow = FeatureWindow()
    split: Split


SPEC = ProjectSpec(
    package="tiny",
    params=TinySqlParams,
    build_model=build_model,
    registry=lambda project: MemoryRegistry(),
)


def source_tables(customers: int = 30, seed: int = 3) -> dict[str, pd.DataFrame]:
    """Customers with an email each, and their sessions in every month since they signed up."""
    rng = np.random.default_rng(seed)
    ids = 1000 + np.arange(customers)
    signup = rng.integers(0, 3, size=customers)
    people = pd.DataFrame(
        {
            "customer_id": ids,
            "email": [f"Person.{i}@Example.org " for i in ids],  # pii: allow (synthetic)
            "plan": rng.choice(["basic", "premium"], size=customers),
            "signup_month": signup,
        }
    )
    activity = pd.DataFrame(
        [
            {"customer_id": cid, "month_index": month, "sessions": int(rng.poisson(4))}
            for cid, first in zip(ids, signup, strict=True)
            for month in range(first, MONTHS)
        ]
    )
    return {"customers": people, "activity": activity}


def write_sql_project(root: Path, **sections):
    """A project at `root` with tiny_sql/ as its sql/, its sources on disk and params.yaml
    naming them; `sections` replace whole sections of params.yaml."""
    shutil.copytree(TINY_SQL, root / SQL_DIR)
    for name in SHARED:
        (root / SQL_DIR / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(TEMPLATE_SQL / name, root / SQL_DIR / name)
    tables = source_tables()
    (root / "data/raw").mkdir(parents=True)
    tables["customers"].to_csv(root / SOURCES["customers"], index=False)
    tables["activity"].to_parquet(root / SOURCES["activity"], index=False)
    (root / "pyproject.toml").write_text("[project]\nname = 'tiny'\n")
    settings = {
        "sql": {"engine": "duckdb", "sources": SOURCES, "vars": ["features", "split"]},
        "features": {"window_months": 2},
        "split": {"eval_from_month": EVAL_FROM},
        **sections,
    }
    (root / "params.yaml").write_text(yaml.safe_dump(params_dict(**settings), sort_keys=False))
    return SPEC.load(root)


def build_as_the_stages_do(project) -> dict:
    """`generate` then `split`: each layer's tables written where the next stage reads them."""
    from ml_playbook import sql

    first = sql.build_into(project, ("staging", "features"), project.root / INTERIM_DIR)
    sets = sql.build_into(project, ("sets",), project.root / PROCESSED_DIR)
    return {"generate": first, "split": sets}
