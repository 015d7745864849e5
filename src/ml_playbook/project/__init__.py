"""What the library knows of a project: where it is (`paths`), its settings (`params`, read by
`loading`), and its code — a `ProjectSpec` the project's cli.py declares: its Params model, how
it builds its model, its extensions and its stages. `ProjectSpec.load()` gives a `Project`,
the object every command and stage works on.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import ProjectError
from ..modeling.metrics import Metric, catalogue
from .extensions import Extensions
from .loading import load_params
from .params import PipelineParams
from .paths import PARAMS, project_root

__all__ = ["Extensions", "PipelineParams", "Project", "ProjectSpec"]


@dataclass(frozen=True)
class ProjectSpec:
    """A project's code, as its cli.py hands it to the library.

    - `package`: the import name, which is also the command's name;
    - `params`: its Params model (PipelineParams and the team's own sections);
    - `build_model(params)`: the unfitted estimator params.yaml describes (model.py);
    - `extensions`: its metrics, slices and monitor checks (extend.py);
    - `stages`: its pipeline stages in order (`ml_playbook.stage.Stage`, stages/);
    - `registry(project)`: the model registry to use (default: MLflow at MLFLOW_TRACKING_URI
      or the project's local store); tests give an in-memory one.
    """

    package: str
    params: type[PipelineParams] = PipelineParams
    build_model: Callable[[Any], Any] | None = None
    extensions: Extensions = field(default_factory=Extensions)
    stages: Sequence[Any] = ()
    registry: Callable[["Project"], Any] | None = None

    @cached_property
    def metrics(self) -> dict[str, dict[str, Metric]]:
        """The metrics of every task: the standard ones and the project's own."""
        try:
            return catalogue(self.extensions.metrics)
        except ValueError as error:
            raise ProjectError(f"extend.py: {error}") from None

    def load(
        self,
        root: Path | None = None,
        params_file: Path | None = None,
        overrides: dict | None = None,
    ) -> "Project":
        """The project at `root` (default: found from the working directory) with its
        params.yaml (or `params_file`) read and checked."""
        root = (root or project_root()).resolve()
        path = params_file or root / PARAMS
        named = params_file is not None
        params = load_params(path, self.params, overrides, self.metrics, named)
        return Project(self, root, params)


@dataclass(frozen=True)
class Project:
    """One project on disk: its code (`spec`), its folder and its checked params."""

    spec: ProjectSpec
    root: Path
    params: Any  # the project's Params (a PipelineParams)

    @property
    def metrics(self) -> dict[str, Metric]:
        """The metrics of the project's task, by name (its own included)."""
        return self.spec.metrics[self.params.task]

    @property
    def primary_metric(self) -> Metric:
        return self.metrics[self.params.evaluate.primary_metric]

    @property
    def extensions(self) -> Extensions:
        return self.spec.extensions

    def path(self, relative: Path | str) -> Path:
        return self.root / relative

    def build_model(self):
        """The unfitted estimator the project's model.py builds from params.yaml."""
        if self.spec.build_model is None:
            raise ProjectError("this project declares no model builder (ProjectSpec.build_model)")
        return self.spec.build_model(self.params)

    def with_params(self, **updates: Any) -> "Project":
        """The same project with sections of params replaced (tests, tuning)."""
        return replace(self, params=self.params.model_copy(update=updates))
