"""What an engine's session puts in before dbt runs, and how it connects: the source files
params.yaml names (`sql.sources`), the tables earlier layers wrote (for a stage that does not
rebuild them), and the settings of the engine's target in sql/profiles.yml."""

from pathlib import Path

from ..conventions import SQL_MODEL_LAYERS
from ..errors import ProjectError
from ..governance.tables import is_table
from ..project.paths import SQL_DIR
from .messages import one_line
from .nodes import SqlModel


def source_files(project) -> dict[str, Path]:
    """Each source of params.yaml sql.sources as a table file; a missing one says what to do."""
    files = {}
    for name, relative in project.params.sql.sources.items():
        path = project.root / relative
        if not path.is_file():
            raise ProjectError(
                f"source '{name}' reads {relative}, which does not exist: fetch it (`dvc pull`), "
                "make it (`dvc repro`), or point params.yaml sql.sources at your files"
            )
        if not is_table(path):
            raise ProjectError(
                f"source '{name}' reads {relative}, which is not a CSV, TSV or Parquet "
                "file: fix params.yaml sql.sources"
            )
        files[name] = path
    return files


def upstream_files(project, layers: tuple[str, ...]) -> dict[str, Path]:
    """The tables of the models of the layers before `layers`, where earlier stages wrote them."""
    earlier = SQL_MODEL_LAYERS[: min(SQL_MODEL_LAYERS.index(layer) for layer in layers)]
    files = {}
    for layer in earlier:
        for path in sorted((project.root / SQL_DIR / layer).glob("*.sql")):
            output = SqlModel(path.stem, layer, path).output(project.root)
            if output.is_file():
                files[path.stem] = output
    return files


def profile_target(root: Path, target: str) -> dict[str, str]:
    """The settings of `target` in sql/profiles.yml, its `env_var()`s filled in from the
    environment as dbt fills them: the file stays the one place a connection is described."""
    import os

    import jinja2
    import yaml

    def env_var(name: str, default: str | None = None) -> str:
        if name not in os.environ and default is None:
            raise ProjectError(f"sql/profiles.yml target {target} needs the variable {name}")
        return os.environ.get(name, default)

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.globals["env_var"] = env_var
    environment.filters["as_number"] = lambda value: value
    try:
        profiles = yaml.safe_load((root / SQL_DIR / "profiles.yml").read_text(encoding="utf-8"))
        outputs = next(iter(profiles.values()))["outputs"]
    except (
        OSError,
        UnicodeDecodeError,
        yaml.YAMLError,
        AttributeError,
        StopIteration,
        KeyError,
        TypeError,
    ):
        raise ProjectError(
            "sql/profiles.yml is missing or not a dbt profile (a name with `outputs:`): "
            "restore it from the template"
        ) from None
    if not isinstance(outputs, dict) or target not in outputs:
        raise ProjectError(f"sql/profiles.yml has no target '{target}': add it or fix sql.engine")
    if not isinstance(outputs[target], dict):
        raise ProjectError(f"sql/profiles.yml target {target} must be a mapping of settings")
    try:
        return {
            key: environment.from_string(value).render() if isinstance(value, str) else str(value)
            for key, value in outputs[target].items()
        }
    except jinja2.TemplateError as error:
        raise ProjectError(f"sql/profiles.yml target {target}: {one_line(error)}") from None
