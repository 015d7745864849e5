"""Stage `validate`: check the feature table against its schema; write the data report."""

from pathlib import Path

from ..config import Params
from ..paths import FEATURES, VALIDATION_REPORT
from . import new_file, read_parquet, step, write_figure, write_json, wrote

INPUTS = (FEATURES,)
OUTPUTS = (VALIDATION_REPORT,)


def run(root: Path, params: Params) -> list[Path]:
    from ..data import report
    from ..data.schema import validate

    folder = root / VALIDATION_REPORT
    with step("validate: schema and data report"):
        frame = validate(read_parquet(root, FEATURES, "generate"), params)
        train = params.train
        summary = report.summary(frame, train.label)
        figures = {
            "distributions.png": report.distributions_figure(frame, train.numeric_features),
            "label.png": report.label_figure(frame[train.label]),
        }
        paths = [write_json(folder / "summary.json", summary)]
        paths += [write_figure(folder / name, figure) for name, figure in figures.items()]
        markdown = new_file(folder / "report.md")
        markdown.write_text(report.markdown(summary, list(figures)))
    return wrote(root, [*paths, markdown])
