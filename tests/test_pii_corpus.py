"""The PII detector on labelled corpora: every positive found as its kind, every look-alike
left alone, and recall/precision per kind over the lot (printed).

Two corpora, both written without the detector: `pii_corpus.yaml` by hand (tricky Korean and
English cases), `pii_corpus_generated.yaml` by `pii_corpus_generate.py` (real check digits,
libphonenumber example numbers, Faker).
"""

from collections import Counter
from pathlib import Path

import pytest
import yaml
from ml_playbook import pii

FIXTURES = Path(__file__).parent / "fixtures"
CORPORA = [yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
           for name in ("pii_corpus.yaml", "pii_corpus_generated.yaml")]  # fmt: skip
POSITIVES = [case for corpus in CORPORA for case in corpus["positives"]]
NEGATIVES = [text for corpus in CORPORA for text in corpus["negatives"]]
REGIONS = pii.DEFAULT_PHONE_REGIONS  # the corpus is labelled for the default setting


def found_kinds(text: str) -> list[str]:
    return sorted(match.kind for match in pii.find(text, regions=REGIONS))


def scores() -> dict[str, tuple[int, int, int]]:
    """Per kind: (true positives, false negatives, false positives)."""
    hits, misses, false = Counter(), Counter(), Counter()
    for case in POSITIVES:
        found, expected = Counter(found_kinds(case["text"])), Counter(case["kinds"])
        hits.update(found & expected)
        misses.update(expected - found)
        false.update(found - expected)
    for text in NEGATIVES:
        false.update(found_kinds(text))
    kinds = sorted(set(hits) | set(misses) | set(false))
    return {kind: (hits[kind], misses[kind], false[kind]) for kind in kinds}


def test_the_corpus_is_large_and_covers_every_kind():
    labelled = [kind for case in POSITIVES for kind in case["kinds"]]

    assert len(labelled) + len(NEGATIVES) >= 600
    assert set(labelled) == {"email", "phone", "kr_rrn", "kr_frn", "us_ssn", "card", "iban",
                             "ipv4", "ipv6"}  # fmt: skip


@pytest.mark.parametrize("case", POSITIVES, ids=lambda case: case["text"][:40])
def test_each_positive_is_found_as_its_kind(case):
    assert found_kinds(case["text"]) == sorted(case["kinds"])


@pytest.mark.parametrize("text", NEGATIVES, ids=lambda text: text[:40])
def test_each_negative_is_left_alone(text):
    assert found_kinds(text) == []


def test_recall_and_precision_per_kind(capsys):
    per_kind = scores()
    with capsys.disabled():
        print(f"\nPII corpus: {len(POSITIVES)} positive texts, {len(NEGATIVES)} negatives")
        for kind, (tp, fn, fp) in per_kind.items():
            print(f"  {kind:<7} recall {tp / max(1, tp + fn):.3f}  precision {tp / max(1, tp + fp):.3f}  "
                  f"({tp} found, {fn} missed, {fp} false)")  # fmt: skip
    tp, fn, fp = (sum(column) for column in zip(*per_kind.values(), strict=True))

    assert tp / (tp + fn) >= 0.99
    assert tp / (tp + fp) >= 0.97
