"""The cyclic garbage collector in the test processes, a pytest plugin (tests/conftest.py loads
it): what collection imported is frozen out of every later sweep, and so is everything left at
the end, so a process does not walk its whole heap once more on its way out.

Why: each test process holds pandas, scikit-learn, dbt, MLflow and copier, and the tests leave
fitted models and frames in session fixtures. The interpreter's last collection walks all of
it: 1.5-2.5 s for each worker at the end of a run, which the controller waits for.
"""

import gc

import pytest


def pytest_collection_finish(session):
    """The test modules are imported: keep what they loaded out of every later collection."""
    gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """The session is over and reported: nothing is left for the collector to free that the
    process's exit does not free anyway."""
    gc.freeze()
