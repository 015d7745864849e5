"""A project's `serve` in a process of its own, for the tests that signal it or read what it
prints:

    python -m tests.library.serving.server_process ROOT [serve options...]

The project at ROOT (params.yaml, written by the test) is served by the library's own `serve`
command. Its registry is MLflow's store beside it when ROOT/models.pkl is absent, else one in
memory holding the models pickled there as v1, v2, … (v1 champion)."""

import pickle
import sys
import time
from pathlib import Path

from sklearn.pipeline import Pipeline


class Slow(Pipeline):
    """A fitted pipeline that takes `SECONDS` more per call: requests stay in flight."""

    SECONDS = 0.3

    def predict_proba(self, features, **options):
        time.sleep(self.SECONDS)
        return super().predict_proba(features, **options)


def main(root: Path, arguments: list[str]) -> None:
    import typer

    from ml_playbook.cli.common import Apps
    from ml_playbook.cli.serve import register
    from ml_playbook.project import ProjectSpec
    from ml_playbook.registry import CHAMPION, Candidate
    from ml_playbook.registry.memory import MemoryRegistry
    from tests.library.factory import build_model

    registry = None
    if (root / "models.pkl").is_file():
        registry = MemoryRegistry()
        for number, model in enumerate(pickle.loads((root / "models.pkl").read_bytes())):
            registry.register("tiny-model", Candidate(model=model, run_name=f"m{number}"))
        registry.set_alias("tiny-model", CHAMPION, "1")
    spec = ProjectSpec(
        package="tiny",
        build_model=build_model,
        registry=None if registry is None else (lambda project: registry),
    )
    app = typer.Typer()
    register(Apps(app, typer.Typer()), spec)
    app.command("noop", hidden=True)(lambda: None)  # keeps `serve` a subcommand
    app(["serve", *arguments])


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
