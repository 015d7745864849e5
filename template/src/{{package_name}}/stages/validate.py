"""Stage `validate`: the feature table checked against its contract (params.yaml `train`,
`data`), every hand-made example file against the features, and the data report."""

from ml_playbook.project.paths import VALIDATION_REPORT
from ml_playbook.stage import outputs, step


def run(project) -> None:
    """Check the feature table and the example files; write the data report."""
    from ml_playbook.data import contract, report, schema

    params = project.params
    with step("validate: schema, example files and data report"):
        frame = schema.validate(schema.read_feature_table(project), params)
        contract.check_example_files(project)
        summary = report.summary(frame, params.train.label)
        figures = {
            "distributions.png": report.distributions_figure(frame, params.train.numeric_features),
            "label.png": report.label_figure(frame[params.train.label]),
        }
        with outputs(project.root, VALIDATION_REPORT) as out:
            out.json(VALIDATION_REPORT / "summary.json", summary)
            for name, figure in figures.items():
                out.figure(VALIDATION_REPORT / name, figure)
            out.text(VALIDATION_REPORT / "report.md", report.markdown(summary, list(figures)))
