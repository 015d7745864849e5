"""This environment's bytecode, lent to a generated project's environment for end-to-end tests.

`uv sync` links a project's packages from uv's cache (its default where both are on one file
system), as it linked this environment's: the same files, with the same time and size. Python
accepts a .pyc whose header matches its source's time and size, so what this environment
compiled is valid there too. A test that runs a project's commands points PYTHONPYCACHEPREFIX at
a tree holding that bytecode under the project's paths, and the project's first processes do not
compile pandas, scikit-learn, dbt and MLflow again (~16 s of a first `make pipeline`, ~5 s of a
first `make setup` and `make test`). A file that differs (another version) fails the check and
is compiled as usual: a cache cannot change what runs.
"""

import fcntl
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

# What a project's stages, service, tests and hooks import that this environment also holds:
# imported once here (compiling what is not compiled yet) before the bytecode is lent.
STACK = (
    "alembic",
    "dbt.adapters.duckdb",
    "dbt.cli.main",
    "faker",
    "fastapi",
    "importlinter",
    "matplotlib.pyplot",
    "mlflow",
    "mlflow.sklearn",
    "pandas",
    "pandera.pandas",
    "phonenumbers",
    "pre_commit.main",
    "pyarrow.parquet",
    "pytest",
    "scipy.stats",
    "sklearn.ensemble",
    "sqlalchemy",
    "sqlfluff.core",
    "sqlglot",
    "uvicorn",
)
COMPILE = (
    "import importlib, sys\n"
    "for name in sys.argv[1:]:\n"
    "    try:\n"
    "        importlib.import_module(name)\n"
    "    except Exception:\n"  # a cache: a module that does not import is compiled later
    "        pass\n"
)


def compile_stack_once(shared: Path) -> None:
    """Import STACK in this environment once a run (the workers share `shared`): the first
    worker compiles, a second waits for it instead of compiling the same files."""
    shared.mkdir(parents=True, exist_ok=True)
    with open(shared / "bytecode.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "bytecode.compiled"
        if not done.exists():
            environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            subprocess.run([sys.executable, "-c", COMPILE, *STACK], env=environment, check=False)
            done.touch()


# Where a virtual environment of this Python keeps its packages: lib/python3.X/site-packages.
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"]).relative_to(sys.prefix)


def lend_bytecode(
    project_environment: Path, prefix: Path, environment: Path = Path(sys.prefix)
) -> dict[str, str]:
    """Link the bytecode of `environment`'s packages (this one's by default) into `prefix`
    under the paths of `project_environment`, a virtual environment that may not exist yet,
    and the standard library's under its own; return the variable that makes the project's
    Python read it there."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for source, target in (
        (environment / SITE_PACKAGES, project_environment / SITE_PACKAGES),
        (stdlib, stdlib),
    ):
        _link_bytecode(source, Path(f"{prefix}{target}"))
    return {"PYTHONPYCACHEPREFIX": str(prefix)}


# Bytecode of the running Python's default optimisation level: what an import reads.
PYC_SUFFIX = f".{sys.implementation.cache_tag}.pyc"
# Not imported by a project: the standard library's own tests, the base Python's packages.
NOT_IMPORTED = {"site-packages", "test"}


def _link_bytecode(source: Path, target: Path) -> None:
    """Every `__pycache__/*.pyc` under `source`, at the same place under `target` without the
    `__pycache__` folder (where Python looks for it under a PYTHONPYCACHEPREFIX)."""
    for folder, subfolders, names in os.walk(source):
        subfolders[:] = [name for name in subfolders if name not in NOT_IMPORTED]
        if os.path.basename(folder) != "__pycache__":
            continue
        into = target / Path(folder).parent.relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in names:
            if not name.endswith(PYC_SUFFIX) or (into / name).exists():
                continue
            try:
                os.link(os.path.join(folder, name), into / name)
            except OSError:  # another file system: a copy
                shutil.copy2(os.path.join(folder, name), into / name)
