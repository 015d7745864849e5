"""The PII detector on labelled corpora: every positive found as its kind, every look-alike
left alone, and recall/precision per kind over the lot (printed).

Three corpora, written without the detector: `pii_corpus.yaml` by hand (tricky Korean and
English cases), `pii_corpus_generated.yaml` by `pii_corpus_generate.py` (real check digits,
libphonenumber example numbers, Faker), and `pii_corpus_contexts.yaml` by
`pii_corpus_contexts.py` (values in JSON, logs, URLs, HTML, CSV and Markdown, hard negatives).
"""

import pytest

from benchmarks.pii import (
    load_contexts,
    load_corpus,
    print_scores,
    score,
    score_table_scan,
    score_text_scan,
    totals,
)
from ml_playbook.governance import pii

POSITIVES, NEGATIVES = load_corpus()
REGIONS = pii.DEFAULT_PHONE_REGIONS  # the corpus is labelled for the default setting


def found_kinds(text: str) -> list[str]:
    return sorted(match.kind for match in pii.find(text, regions=REGIONS))


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
    per_kind = score(found_kinds, POSITIVES, NEGATIVES)
    with capsys.disabled():
        print_scores(
            f"\nPII corpus ({len(POSITIVES)} positive texts, {len(NEGATIVES)} negatives):", per_kind
        )
    recall, precision = totals(per_kind)

    assert recall >= 0.99
    assert precision >= 0.97


def test_values_in_context_are_found_by_the_text_scan_and_the_table_scan(capsys):
    # given values set in JSON, logs, URLs, HTML, CSV, Markdown and sentences, and a table
    # of one column per value named for what it holds
    positives, negatives = load_contexts()

    # when the text scan reads each text and the table scan the table
    text_scan = score_text_scan(positives, negatives)
    table_scan = score_table_scan(positives, negatives, telling=True)
    with capsys.disabled():
        print_scores("\nValues in context, text scan:", text_scan)
        print_scores("Values in context, table scan:", table_scan)

    # then both find what is there, each value whole, and little else
    for per_kind in (text_scan, table_scan):
        recall, precision = totals(per_kind)
        assert recall >= 0.98
        assert precision >= 0.99
