"""Every stage of a generated project writes through the library's `outputs` and so cannot
half-replace what an earlier run left: each stage, run on a project whose pipeline has run once,
is broken at the last moment (after it has written every output, before they move into place);
every file the pipeline wrote is then byte-identical, and no staging folder is left.

The rendered package runs on this environment (no install), on a tiny sample, its registry in
memory: the `render` layer."""

import hashlib

import pytest

from devtools.rendered import load_rendered
from ml_playbook.errors import ProjectError
from ml_playbook.stage import STAGING_PREFIX, Outputs

pytestmark = pytest.mark.render

TINY = {"synthetic.customers": 150, "synthetic.months": 14, "split.eval_from_month": 9}
WRITTEN = ("data", "models", "reports")  # where the stages write (dvc.yaml's outs)
STAGE_NAMES = [
    "synthesize",
    "generate",
    "validate",
    "split",
    "screen",
    "train",
    "evaluate",
    "register",
]


def fingerprint(root) -> dict[str, str]:
    """Every file under the folders the stages write, by content."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in WRITTEN
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def ran(render):
    """A default project, rendered, through every stage once; and its stages by name."""
    project, _, stages = load_rendered(render(name="atomic"), "my_model", TINY)
    for stage in stages.values():
        stage.run(project)
    return project, stages


def test_the_stages_checked_are_the_projects_stages(ran):
    _, stages = ran

    assert list(stages) == STAGE_NAMES


@pytest.mark.parametrize("name", STAGE_NAMES)
def test_a_stage_broken_after_writing_leaves_every_previous_output_byte_identical(
    ran, name, monkeypatch
):
    project, stages = ran
    before = fingerprint(project.root)

    # Given a stage that fails at its very end, after writing all it writes
    def fail_after_writing(outputs: Outputs):
        written = [path for path in outputs.staging.rglob("*") if path.is_file()]
        assert written, f"stage {name} wrote nothing through `outputs`"
        raise ProjectError(f"{name} broken on purpose after writing {len(written)} files")

    monkeypatch.setattr(Outputs, "_commit", fail_after_writing)

    # When it runs, then it fails, and the outputs of the previous run are untouched
    with pytest.raises(ProjectError, match="broken on purpose"):
        stages[name].run(project)

    assert fingerprint(project.root) == before
    assert not list(project.root.glob(f"{STAGING_PREFIX}*")), "a staging folder was left"
