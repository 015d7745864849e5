"""Stage `synthesize`: write the bundled synthetic source tables to data/raw/."""

from pathlib import Path

from ..config import Params
from ..paths import RAW_TABLES
from . import step, write_parquet, wrote

INPUTS: tuple[Path, ...] = ()
OUTPUTS = tuple(RAW_TABLES.values())


def run(root: Path, params: Params) -> list[Path]:
    from ..data.synthetic import generate

    with step(f"synthesize {params.synthetic.customers} customers"):
        tables = generate(params.synthetic.customers, params.synthetic.months, params.seed)
        paths = [
            write_parquet(root / RAW_TABLES["customers"], tables.customers),
            write_parquet(root / RAW_TABLES["activity"], tables.activity),
        ]
    return wrote(root, paths)
