"""The training gate: no training on a data set whose provenance record is missing, invalid or
not approved; each problem one line naming the data set or the record's field."""

import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.governance.sign_off import require_signed_off_records
from ml_playbook.project.paths import PROVENANCE_RECORDS
from tests.library.governance.governance_factory import SETS, SOURCES, edit_record

DATA_SETS = [*SOURCES.values(), *SETS]


def test_valid_approved_records_let_training_start(governed):
    require_signed_off_records(governed, DATA_SETS)


def test_training_is_refused_without_a_record(governed):
    (governed / PROVENANCE_RECORDS / "customers.yml").unlink()

    with pytest.raises(ProjectError, match="data/raw/customers.parquet: no provenance record"):
        require_signed_off_records(governed, DATA_SETS)


def test_training_is_refused_until_the_record_is_approved(governed):
    edit_record(governed, "activity", lambda r: r["sign_off"].update(decision="pending"))

    with pytest.raises(ProjectError, match="sign_off.decision is 'pending'"):
        require_signed_off_records(governed, DATA_SETS)


def test_an_invalid_record_names_the_field(governed):
    edit_record(governed, "customers", lambda r: r.update(sensitivity="secret-ish"))

    with pytest.raises(ProjectError, match="sensitivity: 'secret-ish' is not one of"):
        require_signed_off_records(governed, DATA_SETS)
