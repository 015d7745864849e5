"""The 28 tests of the ML Test Score rubric (Breck, Cai, Nielsen, Salib, Sculley: "The ML Test
Score: A Rubric for ML Production Readiness and Technical Debt Reduction", IEEE Big Data 2017),
in its four sections: each with the paper's words for it, the evidence this project accepts for
it, and what would earn it.

Evidence is of one kind per item (`Item.kind`), chosen for what the paper's test means:

- `test`: a test marked `@pytest.mark.readiness("<item>")`, run by the project's CI — for what
  a test of the code, the data and the model can show;
- `monitor`: the monitor's summary of a real run (`<monitor.report_dir>/summary.json`) holding
  a check of the rule `Item.rule` judged on served traffic — for what only the running system
  shows; a test on the tests' synthetic traffic proves the rule works, not that production is
  watched;
- `baseline`: reports/metrics.json comparing the model with a simpler one (model-5);
- `codeowners`: a CODEOWNERS rule naming who reviews params.yaml (model-1);
- `updates`: a scheduled CI job proposing dependency updates (monitoring-1);
- `record`: nothing the project produces can show it (yet): only a dated write-up.

A dated write-up in docs/readiness/records.yml earns half a point for any item (the paper's
"executing the test manually, with the results documented").
"""

from dataclasses import dataclass

SECTIONS = ("data", "model", "infrastructure", "monitoring")
KINDS = ("test", "monitor", "baseline", "codeowners", "updates", "record")
RECORD = "a dated write-up listed in docs/readiness/records.yml (half a point)"


@dataclass(frozen=True)
class Item:
    id: str  # e.g. "data-1": the name a test's readiness marker or a record gives
    section: str
    title: str  # short, for tables
    quote: str  # the paper's words for the test (its heading), verbatim
    kind: str  # the evidence this project accepts: one of KINDS
    earn: str  # what would earn the full point here (for `record`: the write-up's content)
    not_a_test: str = ""  # for items that are not `test`: why a marked test does not count
    rule: str = ""  # for `monitor`: the rule of the monitor's check that shows it
    by_hand: str = ""  # the write-up that earns half a point, when more than "a write-up"


def _items(section: str, *entries: dict) -> list[Item]:
    return [Item(f"{section}-{n}", section, **entry) for n, entry in enumerate(entries, 1)]


_PRODUCTION = "a marked test runs on the tests' synthetic traffic, not on what the model served"

ITEMS: tuple[Item, ...] = (
    *_items(
        "data",
        {
            "title": "Feature expectations are captured in a schema",
            "quote": "Feature expectations are captured in a schema.",
            "kind": "test",
            "earn": "a test that the data schema refuses a bad row",
        },
        {
            "title": "All features are beneficial",
            "quote": "All features are beneficial.",
            "kind": "test",
            "earn": "a test that each configured feature adds value (its drop-column or "
            "permutation importance above a floor) on data large enough to tell signal from noise",
        },
        {
            "title": "No feature's cost is too much",
            "quote": "No feature's cost is too much.",
            "kind": "test",
            "earn": "a test that each feature's cost (model inputs, bytes per row) is within "
            "`feature_budget` in params.yaml",
        },
        {
            "title": "Features adhere to meta-level requirements",
            "quote": "Features adhere to meta-level requirements.",
            "kind": "test",
            "earn": "a test that no direct identifier (or other banned feature) reaches a "
            "training set",
        },
        {
            "title": "The data pipeline has appropriate privacy controls",
            "quote": "The data pipeline has appropriate privacy controls.",
            "kind": "test",
            "earn": "a test of the pipeline's privacy controls: the PII screen and the sign-off "
            "gate",
        },
        {
            "title": "New features can be added quickly",
            "quote": "New features can be added quickly.",
            "kind": "record",
            "earn": "a write-up of the calendar time the last new feature took from idea to "
            "serving in production",
            "not_a_test": "the item is the team's calendar time to production; a test shows "
            "params.yaml takes a feature, not how long one takes to ship",
        },
        {
            "title": "All input feature code is tested",
            "quote": "All input feature code is tested.",
            "kind": "test",
            "earn": "tests of every SQL model and its assertions",
        },
    ),
    *_items(
        "model",
        {
            "title": "Model specs are reviewed and submitted",
            "quote": "Model specs are reviewed and submitted.",
            "kind": "codeowners",
            "earn": "a CODEOWNERS rule naming who reviews params.yaml (the model spec), so "
            "every change to it is reviewed before it merges: answer the template's role "
            "questions, or write the rule",
            "not_a_test": "a test that params.yaml is validated shows it is checked, not reviewed",
        },
        {
            "title": "Offline and online metrics correlate",
            "quote": "Offline and online metrics correlate.",
            "kind": "monitor",
            "rule": "online_offline",
            "earn": "online metrics — the champion's served predictions joined with the labels "
            "that arrive later — compared with the offline ones of reports/metrics.json: a "
            "check of rule `online_offline` in extend.py `monitor_checks`, in the summary of a "
            "scheduled `make monitor`",
            "by_hand": "a write-up of an A/B experiment relating offline metrics to the "
            "product's (the paper's way: an intentionally degraded model)",
            "not_a_test": "a test that the service answers as the model does offline shows "
            "serving parity; no online metric is measured",
        },
        {
            "title": "All hyperparameters have been tuned",
            "quote": "All hyperparameters have been tuned.",
            "kind": "test",
            "earn": "a test that train.hyperparameters are within train.search.tolerance of the "
            "best of the train.search grid (`tune`)",
        },
        {
            "title": "The impact of model staleness is known",
            "quote": "The impact of model staleness is known.",
            "kind": "record",
            "earn": "a write-up of how quality falls with a model's age: older versions scored "
            "on the newest labelled data (`eval compare` an older registered version with the "
            "champion) or an A/B test with an older model — an age-versus-quality curve",
            "not_a_test": "the monitor's staleness rule enforces an age limit; it does not "
            "measure what age costs",
        },
        {
            "title": "A simpler model is not better",
            "quote": "A simpler model is not better.",
            "kind": "baseline",
            "earn": "reports/metrics.json with a `baseline` section: a simpler model (one "
            "feature, linear) scored by the pipeline on the same test sets as the model; full "
            "point when CI runs the pipeline",
            "not_a_test": "a test that the model beats a constant's score compares it with no "
            "simpler model trained on the data",
        },
        {
            "title": "Model quality is sufficient on important data slices",
            "quote": "Model quality is sufficient on all important data slices.",
            "kind": "test",
            "earn": "a test that every trusted slice meets evaluate.slice_gate",
        },
        {
            "title": "The model is tested for considerations of inclusion",
            "quote": "The model has been tested for considerations of inclusion.",
            "kind": "test",
            "earn": "a test that the metric gap across evaluate.inclusion.columns is within "
            "max_gap",
        },
    ),
    *_items(
        "infrastructure",
        {
            "title": "Training is reproducible",
            "quote": "Training is reproducible.",
            "kind": "test",
            "earn": "a test that training twice gives the same metrics",
        },
        {
            "title": "Model specs are unit tested",
            "quote": "Model specs are unit tested.",
            "kind": "test",
            "earn": "unit tests of training and evaluation",
        },
        {
            "title": "The ML pipeline is integration tested",
            "quote": "The ML pipeline is Integration tested.",
            "kind": "test",
            "earn": "a test that runs the whole pipeline",
        },
        {
            "title": "Model quality is validated before serving",
            "quote": "Model quality is validated before attempting to serve it.",
            "kind": "test",
            "earn": "a test of the registry's promotion gate",
        },
        {
            "title": "The model is debuggable",
            "quote": "The model allows debugging by observing the step-by-step computation of "
            "training or inference on a single example.",
            "kind": "test",
            "earn": "a test of per-example predictions and explanations",
        },
        {
            "title": "Models are canaried before serving",
            "quote": "Models are tested via a canary process before they enter production "
            "serving environments.",
            "kind": "record",
            "earn": "a write-up of a canary in production: the new version loaded by the "
            "production service and answering a small share of live (or shadowed) traffic, "
            "compared with the champion before it became champion (this project has no canary "
            "stage)",
            "not_a_test": "a test cannot show a version met live traffic before promotion",
        },
        {
            "title": "Serving models can be rolled back",
            "quote": "Models can be quickly and safely rolled back to a previous serving version.",
            "kind": "record",
            "earn": "a write-up of a rollback drill in production: `release rollback` on the "
            "shared registry, the running service answering with the previous version within "
            "serve's refresh interval, and how long it took",
            "not_a_test": "a test of the registry's aliases does not show the running service "
            "went back, or how quickly",
        },
    ),
    *_items(
        "monitoring",
        {
            "title": "Dependency changes result in notification",
            "quote": "Dependency changes result in notification.",
            "kind": "updates",
            "earn": "a scheduled CI job that proposes template and dependency updates "
            "(`copier update`)",
            "not_a_test": "notification is a scheduled job's, not a test's",
        },
        {
            "title": "Data invariants hold for inputs",
            "quote": "Data invariants hold in training and serving inputs.",
            "kind": "monitor",
            "rule": "schema",
            "earn": "the monitor's `schema` check — the served inputs against the data schema — "
            "in the summary of a scheduled `make monitor`",
            "not_a_test": _PRODUCTION,
        },
        {
            "title": "Training and serving are not skewed",
            "quote": "Training and serving features compute the same values.",
            "kind": "monitor",
            "rule": "feature_drift",
            "earn": "the monitor's `feature_drift` checks — the logged served features compared "
            "with the training features, feature by feature, on at least monitor.min_rows "
            "served rows — in the summary of a scheduled `make monitor`; prediction drift "
            "alone does not count",
            "not_a_test": _PRODUCTION,
        },
        {
            "title": "Models are not too stale",
            "quote": "Models are not too stale.",
            "kind": "monitor",
            "rule": "staleness",
            "earn": "the monitor's `staleness` check of the served champion's age in the "
            "summary of a scheduled `make monitor`",
            "not_a_test": "a test of the rule on a test registry does not watch the served "
            "champion",
        },
        {
            "title": "Models are numerically stable",
            "quote": "The model is numerically stable.",
            "kind": "monitor",
            "rule": "non_finite",
            "earn": "a check of rule `non_finite` in extend.py `monitor_checks` — NaN or "
            "infinite values among the served predictions, against a limit — in the summary of "
            "a scheduled `make monitor`",
            "not_a_test": "a test that the tests' model answers finite numbers is checked once "
            "before serving; the item asks for NaNs and infinities to be watched for",
        },
        {
            "title": "Computing performance has not regressed",
            "quote": "The model has not experienced a dramatic or slow-leak regressions in "
            "training speed, serving latency, throughput, or RAM usage.",
            "kind": "monitor",
            "rule": "latency",
            "earn": "the monitor's `latency` check — the p99 of answered requests — in the "
            "summary of a scheduled `make monitor`",
            "not_a_test": _PRODUCTION,
        },
        {
            "title": "Prediction quality has not regressed",
            "quote": "The model has not experienced a regression in prediction quality on "
            "served data.",
            "kind": "monitor",
            "rule": "prediction_quality",
            "earn": "a check of rule `prediction_quality` in extend.py `monitor_checks` — the "
            "champion's metric on served predictions joined with the labels that arrive later, "
            "against a floor — in the summary of a scheduled `make monitor`, so quality is "
            "tracked over time",
            "not_a_test": "the prediction-shift rule sees predictions move, not whether they "
            "are right; quality on served data needs the labels that arrive later",
        },
    ),
)

BY_ID = {item.id: item for item in ITEMS}
MONITOR_RULES = {item.id: item.rule for item in ITEMS if item.kind == "monitor"}

# The paper's reading of the final score (the lowest section sum).
BANDS = (
    (0.0, "more of a research project than a productionized system"),
    (1.0, "not totally untested, but serious holes in reliability are possible"),
    (2.0, "a first pass at basic productionization; more investment may be needed"),
    (3.0, "reasonably tested; more of the tests and procedures may be automated"),
    (5.0, "strong automated testing and monitoring, fit for mission-critical systems"),
)
EXCEPTIONAL = "exceptional levels of automated testing and monitoring"


def band(score: float) -> str:
    """The paper's words for a final score: 0, (0,1], (1,2], (2,3], (3,5], above 5."""
    for ceiling, words in BANDS:
        if score <= ceiling:
            return words
    return EXCEPTIONAL
