"""The pipeline: its stages in order, run one by one or all in one process.

DVC runs each stage in a process of its own (dvc.yaml: `<package> data generate`, ...); the CLI
runs any one of them, or all in order (`<package> run-pipeline`). A stage's code is the module
of the same name in stages/, imported only when the stage runs.
"""

from importlib import import_module
from pathlib import Path

from .config import Params

STAGES = ("synthesize", "generate", "validate", "split", "screen", "train", "evaluate", "register")


def stage_module(name: str):
    """The module in stages/ that holds stage `name` (its INPUTS, OUTPUTS and `run`)."""
    return import_module(f"{__package__}.stages.{name}")


def run_stage(name: str, root: Path, params: Params) -> list[Path]:
    """Run one stage; the paths it wrote."""
    return stage_module(name).run(root, params)


def run_all(root: Path, params: Params) -> None:
    """Every stage in order, in this process: the pipeline without DVC."""
    for name in STAGES:
        run_stage(name, root, params)
