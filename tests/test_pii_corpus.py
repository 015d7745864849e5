"""The PII detectors on a labelled corpus: recall on positives, precision with tricky
negatives (order numbers, timestamps, UUIDs, version strings). Prints the figures."""

from pathlib import Path

import pytest
import yaml
from ml_playbook import pii

CORPUS = yaml.safe_load((Path(__file__).parent / "fixtures/pii_corpus.yaml").read_text())


def found_kinds(text: str) -> list[str]:
    return sorted(match.kind for match in pii.find(text))


@pytest.mark.parametrize("case", CORPUS["positives"], ids=lambda case: case["text"][:40])
def test_each_positive_is_found_as_its_kind(case):
    assert found_kinds(case["text"]) == sorted(case["kinds"])


@pytest.mark.parametrize("text", CORPUS["negatives"], ids=lambda text: text[:40])
def test_each_negative_is_left_alone(text):
    assert found_kinds(text) == []


def test_recall_and_precision_over_the_corpus(capsys):
    expected = sum(len(case["kinds"]) for case in CORPUS["positives"])
    true_positives = sum(
        len(set(found_kinds(case["text"])) & set(case["kinds"])) for case in CORPUS["positives"]
    )
    false_positives = sum(
        len(set(found_kinds(case["text"])) - set(case["kinds"])) for case in CORPUS["positives"]
    ) + sum(len(found_kinds(text)) for text in CORPUS["negatives"])
    recall = true_positives / expected
    precision = true_positives / (true_positives + false_positives)
    with capsys.disabled():
        print(f"\nPII corpus: recall {recall:.3f}, precision {precision:.3f} "
              f"({expected} positives, {len(CORPUS['negatives'])} negatives)")  # fmt: skip

    assert recall >= 0.95
    assert precision >= 0.95
