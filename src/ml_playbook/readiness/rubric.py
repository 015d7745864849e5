"""The 28 tests of the ML Test Score rubric, in its four sections, with how to raise each."""

from dataclasses import dataclass

SECTIONS = ("data", "model", "infrastructure", "monitoring")


@dataclass(frozen=True)
class Item:
    id: str  # e.g. "data-1": the name a test's readiness marker gives
    section: str
    title: str
    how: str  # what gives it automated evidence in this project


def _items(section: str, *entries: tuple[str, str]) -> list[Item]:
    return [Item(f"{section}-{n}", section, t, h) for n, (t, h) in enumerate(entries, 1)]


ITEMS: tuple[Item, ...] = (
    *_items(
        "data",
        (
            "Feature expectations are captured in a schema",
            "a test that the data schema rejects a bad row",
        ),
        (
            "All features are beneficial",
            "a test that each configured feature adds value (its drop-column or permutation "
            "importance above a floor) on data large enough to tell signal from noise",
        ),
        (
            "No feature's cost is too much",
            "a test that each feature's cost (model inputs, bytes per row) is within "
            "`feature_budget` in params.yaml",
        ),
        (
            "Features adhere to meta-level requirements",
            "a test that no direct identifier reaches a training set",
        ),
        (
            "The data pipeline has appropriate privacy controls",
            "a test of the PII screen and the sign-off gate",
        ),
        (
            "New features can be added quickly",
            "a test that a feature added in params.yaml is trained on",
        ),
        ("All input feature code is tested", "tests of every SQL model and its assertions"),
    ),
    *_items(
        "model",
        (
            "Model specs are reviewed and submitted",
            "a test that params.yaml is validated and versioned with the code",
        ),
        (
            "Offline and online metrics correlate",
            "a test that served predictions equal offline ones",
        ),
        (
            "All hyperparameters have been tuned",
            "a test that train.hyperparameters are within train.search.tolerance of the best "
            "of the train.search grid (`tune`)",
        ),
        ("The impact of model staleness is known", "a test of the staleness rule of the monitor"),
        ("A simpler model is not better", "a test comparing the model with a baseline"),
        (
            "Model quality is sufficient on important data slices",
            "a test that every trusted slice meets evaluate.slice_gate",
        ),
        (
            "The model is tested for considerations of inclusion",
            "a test that the metric gap across evaluate.inclusion.columns is within max_gap",
        ),
    ),
    *_items(
        "infrastructure",
        ("Training is reproducible", "a test that training twice gives the same metrics"),
        ("Model specs are unit tested", "unit tests of training and evaluation"),
        ("The ML pipeline is integration tested", "a test that runs the whole pipeline"),
        ("Model quality is validated before serving", "a test of the registry's promotion gate"),
        ("The model is debuggable", "a test of per-example predictions and explanations"),
        (
            "Models are canaried before serving",
            "a test that a new version serves a share of traffic (or shadow requests) before it becomes champion",
        ),
        ("Serving models can be rolled back", "a test of rollback"),
    ),
    *_items(
        "monitoring",
        (
            "Dependency changes result in notification",
            "a scheduled CI job that proposes template and dependency updates",
        ),
        (
            "Data invariants hold for inputs",
            "a test that the service rejects inputs the schema refuses",
        ),
        ("Training and serving are not skewed", "a test of the monitor's drift rules"),
        ("Models are not too stale", "a test of the monitor's staleness rule"),
        ("Models are numerically stable", "a test that predictions are finite"),
        ("Computing performance has not regressed", "a test of the monitor's latency rule"),
        ("Prediction quality has not regressed", "a test of the monitor's prediction-shift rule"),
    ),
)

BY_ID = {item.id: item for item in ITEMS}

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
