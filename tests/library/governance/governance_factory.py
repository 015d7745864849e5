"""A project folder for the governance tests: two sources (one holding emails and phone numbers,
one no personal data), their provenance records, and the two sets."""

from pathlib import Path

import pandas as pd
import yaml

from ml_playbook.project.paths import EVALUATION_SET, PROVENANCE_RECORDS, TRAINING_SET

SOURCES = {"customers": "data/raw/customers.parquet", "activity": "data/raw/activity.parquet"}
SETS = [TRAINING_SET.as_posix(), EVALUATION_SET.as_posix()]
CUSTOMER_PII = [
    {"column": "email", "kind": "email", "treatment": "pseudonymised"},
    {"column": "phone", "kind": "phone", "treatment": "dropped"},
]


def record(name: str, paths: list[str], fields: list[dict]) -> dict:
    """A provenance record that passes the schema, approved."""
    return {
        "name": name,
        "description": f"The {name} source of the test project.",
        "paths": paths,
        "source": {"system": "CRM", "collection_method": "nightly export"},
        "owner": {"team": "data engineering", "contact": "@data-eng"},
        "license": "LicenseRef-Internal",
        "legal_basis": {"basis": "contract", "note": "service contract, clause 4"},
        "time_range": {"start": "2023-01-01", "end": "2024-12-31"},
        "pii": {"present": bool(fields), "fields": fields},
        "retention": {"delete_by": "2030-12-31"},
        "lineage": {"produced_by": ["crm export"], "consumed_by": ["sql/staging"]},
        "version": "dvc.lock",
        "sensitivity": "confidential",
        "sign_off": {"reviewer": "@ml-lead", "date": "2024-02-01", "decision": "approved"},
    }


def edit_record(root: Path, name: str, change) -> Path:
    path = root / PROVENANCE_RECORDS / f"{name}.yml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data))
    return path


def customers(count: int = 40) -> pd.DataFrame:
    """Customers with a (made-up) email and Korean mobile number each."""
    ids = range(1000, 1000 + count)
    return pd.DataFrame(
        {
            "customer_id": list(ids),
            "email": [f"person{i}@example.org" for i in ids],
            "phone": [f"010-{2000 + i}-{5000 + i}" for i in ids],
            "plan": ["basic", "premium"] * (count // 2),
        }
    )


def features(count: int = 40) -> pd.DataFrame:
    return pd.DataFrame(
        {"customer_id": range(1000, 1000 + count), "sessions": [i % 7 for i in range(count)]}
    )


def write_governed(root: Path) -> Path:
    """A project folder whose sources are declared and approved, with clean sets."""
    (root / PROVENANCE_RECORDS).mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'tiny'\n")
    tables = {
        SOURCES["customers"]: customers(),
        SOURCES["activity"]: features(),
        **dict.fromkeys(SETS, features()),
    }
    for relative, frame in tables.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(root / relative, index=False)
    records = {
        "customers": record("customers", [SOURCES["customers"]], CUSTOMER_PII),
        "activity": record("activity", [SOURCES["activity"]], []),
        "sets": record("sets", ["data/processed"], []),
    }
    for name, data in records.items():
        (root / PROVENANCE_RECORDS / f"{name}.yml").write_text(yaml.safe_dump(data))
    return root
