"""Hand-made examples in every form a person writes them — a table, JSON, JSON Lines, typed
`field=value` pairs — read to the same rows, checked with one line per problem, and predicted
with a plot of the predictions in the report."""

import json

import numpy as np
import pandas as pd
import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.evaluation.analysis import predictions
from ml_playbook.evaluation.examples import gather
from ml_playbook.evaluation.predictions import predictions_figure, summary
from ml_playbook.modeling.categories import known_categories
from ml_playbook.modeling.metrics import CLASSIFICATION, REGRESSION
from ml_playbook.project.paths import EVALUATION_SET
from tests.library.evaluation.conftest import ON_CLASSIFICATION, ON_REGRESSION, invoke


@pytest.fixture
def given(trained_project, model_of):
    """Three rows of the evaluation set as a person would type them: features and label."""
    train = trained_project.params.train
    rows = pd.read_parquet(trained_project.root / EVALUATION_SET).head(3)
    return trained_project, model_of, rows[[*train.features, train.label]].reset_index(drop=True)


def as_pairs(rows: pd.DataFrame) -> list[str]:
    """`field=value,...` per row; a missing value is typed as nothing after `=`."""
    return [pairs(record) for record in as_records(rows)]


def pairs(record: dict) -> str:
    return ",".join(f"{k}={'' if v is None else v}" for k, v in record.items())


def as_records(rows: pd.DataFrame) -> list[dict]:
    return json.loads(rows.to_json(orient="records", double_precision=15))


def problems_of(given, tmp_path, text: str, suffix: str = ".json") -> list[str]:
    project, model, _ = given
    path = tmp_path / f"examples{suffix}"
    path.write_text(text)
    with pytest.raises(ProjectError) as raised:
        gather([path], [], project.params.train, model)
    return raised.value.problems


def test_every_form_reads_to_the_same_predictions(given, tmp_path):
    project, model, rows = given
    rows.to_csv(tmp_path / "examples.csv", index=False)
    rows.to_parquet(tmp_path / "examples.parquet", index=False)
    (tmp_path / "examples.json").write_text(json.dumps(as_records(rows)))
    lines = "\n\n".join(json.dumps(record) for record in as_records(rows))  # blank lines skipped
    (tmp_path / "examples.jsonl").write_text(lines)

    expected = predictions(project, model, rows)["prediction"]
    for files, typed in [
        ([tmp_path / "examples.csv"], []),
        ([tmp_path / "examples.parquet"], []),
        ([tmp_path / "examples.json"], []),
        ([tmp_path / "examples.jsonl"], []),
        ([], as_pairs(rows)),
    ]:
        frame = gather(files, typed, project.params.train, model)
        found = predictions(project, model, frame)["prediction"]
        assert found.to_numpy() == pytest.approx(expected.to_numpy()), (files, typed)


def test_typed_values_take_the_features_type(given):
    project, model, rows = given
    train = project.params.train

    frame = gather([], as_pairs(rows.head(1)), train, model)

    for column in train.numeric_features:
        assert frame[column].dtype == "float64"
        assert frame.at[0, column] == pytest.approx(float(rows.at[0, column]))
    assert frame.at[0, train.label] == pytest.approx(rows.at[0, train.label])


def test_one_json_object_is_one_example_and_a_number_typed_as_text_is_a_number(given, tmp_path):
    project, model, rows = given
    number = project.params.train.numeric_features[0]
    record = as_records(rows.head(1))[0]
    record[number] = str(record[number])
    (tmp_path / "one.json").write_text(json.dumps(record))

    frame = gather([tmp_path / "one.json"], [], project.params.train, model)

    assert len(frame) == 1
    assert frame[number].dtype == "float64"


def test_a_file_and_typed_examples_are_predicted_together_in_order(given, tmp_path):
    project, model, rows = given
    numeric = project.params.train.numeric_features
    (tmp_path / "examples.json").write_text(json.dumps(as_records(rows.head(2))))

    frame = gather(
        [tmp_path / "examples.json"], as_pairs(rows.tail(1)), project.params.train, model
    )

    assert len(frame) == 3
    assert frame[numeric].to_numpy() == pytest.approx(rows[numeric].to_numpy(dtype="float64"))


@pytest.mark.parametrize(
    ("text", "suffix", "complaint"),
    [
        ('[{"plan": "basic",', ".json", "not valid JSON (line 1 column 19"),
        ("42", ".json", "give an object or a list of objects, not a number"),
        ('["basic"]', ".json", "item 1 is a text, not an object of field: value"),
        ('{"plan": ["basic"]}', ".json", "item 1: plan is a list; give a number or a text"),
        ('{"plan": true}', ".json", "item 1: plan is true/false"),
        ('{"plan": "a", "plan": "b"}', ".json", "field 'plan' is given twice"),
        ("[]", ".json", "no examples in it"),
        ("[" * 100_000, ".json", "examples.json: "),  # deep nesting: one line, not a crash
        ('{"plan": 1' + "0" * 5000 + "}", ".json", "not valid JSON (Exceeds the limit"),
        ('{"plan": "basic"}\nnot json', ".jsonl", "line 2: not valid JSON"),
        ("plan: basic", ".yaml", "unsupported format; give a CSV, Parquet, JSON or JSON Lines"),
        ('{"plan": NaN}', ".json", "NaN is not a JSON number; write null"),
        ('[{"plan": 1e999}]', ".json", "1e999 is not a JSON number"),
        ('{"plan": -Infinity}', ".jsonl", "line 1: -Infinity is not a JSON number"),
        ("plan,plan\nbasic,basic\n", ".csv", "the column(s) plan appear more than once"),
        ("plan,country\n", ".csv", "no examples in it (a header without rows?)"),
    ],
)
@ON_CLASSIFICATION
def test_malformed_input_is_one_line_naming_where(given, tmp_path, text, suffix, complaint):
    found = problems_of(given, tmp_path, text, suffix)

    assert len(found) == 1
    assert complaint in found[0]
    assert "\n" not in found[0]


def test_a_number_too_large_for_a_float_is_not_a_number(given, tmp_path):
    project, _, rows = given
    records = as_records(rows.head(1))
    number = project.params.train.numeric_features[0]
    records[0][number] = 10**400

    found = problems_of(given, tmp_path, json.dumps(records))

    assert len(found) == 1
    assert f"item 1: {number} '1000" in found[0]
    assert found[0].endswith("…' is not a number")


@ON_CLASSIFICATION
def test_a_folder_is_not_a_file_of_examples(given, tmp_path):
    project, model, _ = given
    (tmp_path / "examples.json").mkdir()

    with pytest.raises(ProjectError, match="examples.json: not a regular file; give a CSV"):
        gather([tmp_path / "examples.json"], [], project.params.train, model)


@ON_CLASSIFICATION
def test_a_file_that_is_not_utf8_says_so(given, tmp_path):
    project, model, _ = given
    (tmp_path / "examples.json").write_bytes(b'{"plan": "\xff"}')

    with pytest.raises(ProjectError, match="not UTF-8 text"):
        gather([tmp_path / "examples.json"], [], project.params.train, model)


def test_every_problem_of_typed_examples_names_the_example_and_field(given):
    project, model, rows = given
    records = as_records(rows.head(2))
    number = project.params.train.numeric_features[0]
    records[0] |= {number: "three", "country": "Atlantis", "countyr": "KR"}
    del records[1]["plan"]

    with pytest.raises(ProjectError) as raised:
        gather([], [pairs(record) for record in records], project.params.train, model)

    known = ", ".join(known_categories(model)["country"])
    assert raised.value.problems == [
        "--example 1: unknown field 'countyr' (did you mean 'country'?)",
        "--example 2: no field 'plan' (the model needs it)",
        f"--example 1: {number} 'three' is not a number",
        f"--example 1: country 'Atlantis' was never seen in training (known: {known})",
    ]


@pytest.mark.parametrize(
    ("pair", "complaint"),
    [
        ("plan", "--example 1: 'plan' is not field=value"),
        ("=basic", "--example 1: '=basic' is not field=value"),
        ("plan=basic,plan=premium", "--example 1: plan is given twice"),
    ],
)
@ON_CLASSIFICATION
def test_a_malformed_pair_says_how_to_write_it(given, pair, complaint):
    project, model, _ = given

    with pytest.raises(ProjectError, match=complaint):
        gather([], [pair], project.params.train, model)


def test_an_empty_category_and_a_field_left_out_differ(given, tmp_path):
    records = as_records(given[2].head(2))
    records[0]["country"] = None
    del records[1]["country"]

    found = problems_of(given, tmp_path, json.dumps(records))

    assert found[0].endswith("examples.json: item 2: no field 'country' (the model needs it)")
    assert "examples.json: item 1: country is empty (one of: " in found[1]


def test_a_flood_of_bad_rows_is_counted_not_listed(given, tmp_path):
    records = as_records(given[2].head(1)) * 12
    for record in records:
        record["country"] = "Atlantis"

    found = problems_of(given, tmp_path, json.dumps(records))

    assert len(found) == 6
    assert found[-1].endswith("examples.json: 7 more items like the ones above")


def test_a_table_may_carry_extra_columns_but_not_miss_one(given, tmp_path):
    project, model, rows = given
    rows.assign(note="why").to_csv(tmp_path / "ok.csv", index=False)
    rows.rename(columns={"country": "contry"}).to_csv(tmp_path / "typo.csv", index=False)

    assert len(gather([tmp_path / "ok.csv"], [], project.params.train, model)) == 3
    with pytest.raises(ProjectError, match="no column 'country' .*; it has 'contry'"):
        gather([tmp_path / "typo.csv"], [], project.params.train, model)


@ON_REGRESSION
def test_predict_takes_typed_examples_and_links_a_plot_from_the_report_index(
    given, writable, tmp_path
):
    _, _, rows = given
    (tmp_path / "examples.json").write_text(json.dumps(as_records(rows)))

    result = invoke(
        writable,
        "predict",
        tmp_path / "examples.json",
        *[f"-e{p}" for p in as_pairs(rows.head(2))],
        "--output",
        "out.csv",
    )

    assert result.exit_code == 0, result.output
    assert "wrote 5 predictions to out.csv" in result.output
    assert len(pd.read_csv(writable.root / "out.csv")) == 5
    report = writable.root / "reports/analysis/predictions"
    assert (report / "predictions.png").is_file()
    assert 'src="predictions.png"' in (report / "index.html").read_text()
    index = (writable.root / "reports/analysis/index.html").read_text()
    assert 'href="predictions/index.html"' in index


@ON_CLASSIFICATION
def test_predict_without_an_output_prints_the_predictions(given, writable):
    _, _, rows = given

    result = invoke(writable, "predict", *[f"-e{p}" for p in as_pairs(rows.head(2))])

    assert result.exit_code == 0, result.output
    assert "prediction" in result.output.splitlines()[0]
    assert len(result.output.strip().splitlines()) == 4  # header, two rows, the report


@ON_CLASSIFICATION
def test_predict_with_nothing_to_predict_says_what_to_give(writable):
    result = invoke(writable, "predict")

    assert result.exit_code == 1
    assert result.output.startswith("error: no examples: give a CSV, Parquet, JSON or JSON Lines")
    assert len(result.output.strip().splitlines()) == 1


def test_the_classification_plot_counts_each_predicted_class():
    table = pd.DataFrame({"prediction": [0.1, 0.2, 0.7, 0.9, 0.6], "churned": [0, 0, 1, 1, 0]})

    figure = predictions_figure(table, CLASSIFICATION, "churned", threshold=0.5)
    counts = summary(table, CLASSIFICATION, "churned", 0.5).iloc[0]

    bars = [patch.get_height() for patch in figure.axes[1].patches]
    assert bars == [2, 3]
    assert (counts["predicted 0"], counts["predicted 1"], counts["with churned"]) == (2, 3, 5)
    assert len(figure.axes[0].get_legend().get_texts()) == 2  # one histogram per actual class


def test_the_regression_plot_shows_predicted_against_actual_where_the_label_is_known():
    labelled = pd.DataFrame({"prediction": [10.0, 20.0, 30.0], "spend": [12.0, None, 33.0]})

    figure = predictions_figure(labelled, REGRESSION, "spend", threshold=0.5)
    unlabelled = predictions_figure(labelled.drop(columns="spend"), REGRESSION, "spend", 0.5)

    points = figure.axes[1].collections[0].get_offsets()
    assert np.asarray(points).tolist() == [[12.0, 10.0], [33.0, 30.0]]
    assert not unlabelled.axes[1].axison  # nothing to plot against
