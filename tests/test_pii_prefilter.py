"""The table scan's prefilter (RE2, in DuckDB) is a superset of the text scan: a cell it drops
holds nothing `pii.find` would report (issue 26: IBANs whose letters break every run of
digits were dropped before the detector saw them).

Texts are built from pieces of every kind's shape — digits (ASCII and full-width), letters,
separators of every width, `@`, `%`-escapes, colons — and from whole values; whenever the
detector finds something, the prefilter must keep the text.
"""

import duckdb
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from benchmarks.pii import load_contexts
from ml_playbook.governance import pii
from ml_playbook.governance.pii_scan import PREFILTER

REGIONS = pii.DEFAULT_PHONE_REGIONS
CONNECTION = duckdb.connect()

PIECES = [
    "010-1234-5678", "+82 10 1234 5678", "(02) 312-3456", "900101-1234567", "900101 1234567",
    "0501014123456", "123-45-6789", "123 45 6789", "4111 1111 1111 1111", "6212345678901234567",
    "DE89 3704 0044 0532 0130 00", "LC02 XHZW K0CS GRR9 EAYV 5F6F VDN4 8KUX",
    "KW20KPGQ8ILP0PY97P7XAQKQ4WVUKC", "kim@example.com", "o'connor@example.com",
    '"john smith"@example.com', "%40", "%2B", "%20", "%EC%A3%BC", "203.0.113.7",
    "2001:db8::1", "::ffff:192.0.2.1", "０１０－１２３４－５６７８", "kim＠example.com",
    "&#64;", "&#x27;", "&#45;", "&amp;", "?ssn=", "?email=", "+",
    "jumin", "ssn", "주민번호", "email=", "?e=", "&", "=", ",", "|", "\n", " ", "-", ".", "/",
    "(", ")", "+", ":", "–", "\u00a0", "\u3000", "．", "：",
]  # fmt: skip
ALPHABET = "0123456789abcdefXYZ０１２ -./()+%@:＠–\u00a0"

texts = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(alphabet=ALPHABET, max_size=6)), max_size=8
).map("".join)


def kept(text: str) -> bool:
    return CONNECTION.execute("select regexp_matches($1, $2)", [text, PREFILTER]).fetchone()[0]


def dropped(texts: list[str]) -> list[str]:
    """The texts the prefilter drops, in one query."""
    query = "select t from (select unnest($1) as t) where not regexp_matches(t, $2)"
    return [row[0] for row in CONNECTION.execute(query, [texts, PREFILTER]).fetchall()]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example("LC02 XHZW K0CS GRR9 EAYV 5F6F VDN4 8KUX")
@example("email=name%40host.com")
@example("ssn=123%2045%206789")
@example("010&#45;1234&#45;5678")
@example("?ssn=123+45+6789")
def test_the_prefilter_keeps_every_text_the_detector_finds_something_in(text):
    if any(pii.find(text, context="value", regions=REGIONS)):
        assert kept(text), text


def test_the_prefilter_keeps_every_value_of_the_context_corpus():
    # given every value (positive or negative) of the corpus of values in context
    positives, negatives = load_contexts()
    values = [case["value"] for case in [*positives, *negatives]]

    # then each one the detector finds something in (as a table cell) passes the prefilter
    found = [v for v in values if any(pii.find(v, context="value", regions=REGIONS))]
    assert len(found) >= len(positives) * 0.9
    assert dropped(found) == []
