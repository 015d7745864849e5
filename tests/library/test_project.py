"""A project as the library sees it: params.yaml read strictly, one line per mistake, the
project's own metrics known to the checks, its model built by its own code."""

import pytest
import yaml

from ml_playbook.errors import ProjectError
from ml_playbook.modeling.metrics import CLASSIFICATION, REGRESSION, Metric
from ml_playbook.project import Extensions, ProjectSpec
from tests.library.factory import params_dict, write_project


def rewrite(project, **changes) -> None:
    params = params_dict(project.params.task)
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        section = params
        for key in parents:
            section = section[key]
        section[leaf] = value
    (project.root / "params.yaml").write_text(yaml.safe_dump(params))


def reload(project):
    return project.spec.load(project.root)


def test_a_project_loads_its_params_and_builds_its_model(project):
    assert project.params.train.features == [
        *project.params.train.numeric_features,
        *project.params.train.categorical_features,
    ]
    assert project.build_model().steps[-1][0] == "model"
    assert project.params.data.path.as_posix() == "data/interim/feat_customer_month.parquet"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"train__numeric_features": ["monthly_fee", "monthly_fee"]}, "listed more than once"),
        ({"train__label": "plan"}, "also listed as a feature"),
        ({"evaluate__min_slice_rows": "30"}, "evaluate.min_slice_rows"),
        ({"seed": True}, "seed"),
        ({"evaluate__primary_metric": "rmse"}, "is not a binary_classification metric"),
        ({"registry__model_name": "a/b"}, "registry.model_name"),
        ({"data__rules": {"plan": {"min": 3, "max": 1}}}, "min 3 is above max 1"),
        ({"sql__vars": ["nowhere"]}, "sql.vars names nowhere"),
        ({"typo": 1}, "typo"),
    ],
)
def test_a_mistake_in_params_is_one_line_naming_the_setting(project, change, named):
    rewrite(project, **change)

    with pytest.raises(ProjectError) as caught:
        reload(project)

    assert len(caught.value.problems) == 1
    assert named in caught.value.problems[0]


def test_the_projects_own_metric_may_be_the_primary_one(project):
    rewrite(project, evaluate__primary_metric="top_decile_precision")

    assert reload(project).primary_metric.function.__name__ == "top_decile_precision"


def test_an_unknown_metric_is_refused_without_the_projects_extensions(tmp_path):
    project = write_project(tmp_path / "p", extensions=Extensions())
    rewrite(project, evaluate__primary_metric="top_decile_precision")

    with pytest.raises(ProjectError, match="not a binary_classification metric"):
        reload(project)


def test_an_extension_metric_may_not_take_a_standard_name(tmp_path):
    clash = Extensions(metrics={REGRESSION: {"rmse": Metric(lambda label, score: 0.0)}})

    with pytest.raises(ProjectError, match="already a standard regression metric"):
        write_project(tmp_path / "p", REGRESSION, extensions=clash)


def test_a_setting_written_twice_in_params_is_refused(project):
    # The CLI would take the last value while `dvc repro` refuses the file: refuse it here too
    path = project.root / "params.yaml"
    path.write_text(path.read_text() + "seed: 7\n")

    with pytest.raises(ProjectError) as caught:
        reload(project)

    assert "the key 'seed' is written twice" in caught.value.problems[0]


def test_a_missing_params_file_says_where_to_run_from(tmp_path):
    with pytest.raises(ProjectError, match="run the command from the project folder"):
        ProjectSpec(package="x").load(tmp_path)


def test_a_project_without_a_model_builder_says_so(tmp_path):
    project = write_project(tmp_path / "p")
    bare = ProjectSpec(package="x").load(project.root)

    with pytest.raises(ProjectError, match="no model builder"):
        bare.build_model()


def test_params_of_the_other_task_load_too(tmp_path):
    project = write_project(tmp_path / "p", REGRESSION)

    assert project.params.task == REGRESSION
    assert set(project.metrics) >= {"rmse", "mae", "r2"}
    assert "top_decile_precision" not in project.metrics
    assert CLASSIFICATION in project.spec.metrics


@pytest.mark.parametrize(
    "change",
    [
        {"release__verify_examples": "/etc/passwd"},
        {"serve__log_dir": "../elsewhere"},
        {"monitor__report_dir": "/tmp/reports"},
    ],
)
def test_a_path_setting_must_stay_inside_the_project(project, change):
    params = params_dict(project.params.task)
    (section, key), value = next(iter(change.items()))[0].split("__"), next(iter(change.values()))
    params.setdefault(section, {})[key] = value
    (project.root / "params.yaml").write_text(yaml.safe_dump(params))

    with pytest.raises(ProjectError, match="must be a path inside the project"):
        reload(project)


def test_a_params_file_named_on_the_command_line_that_is_missing_says_so(project):
    with pytest.raises(ProjectError, match=r"nope.yaml not found: give an existing params file"):
        project.spec.load(project.root, params_file=project.root / "nope.yaml")
