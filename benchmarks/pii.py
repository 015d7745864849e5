"""PII scanner: accuracy per kind, table-scan throughput, and a side-by-side with Presidio.

    uv run python -m benchmarks.pii [--mb 230]                       # our scanner only
    uv run --with presidio-analyzer python -m benchmarks.pii --presidio

1. Precision and recall per kind on the labelled corpora in tests/fixtures (hand-written
   and generated; see tests/fixtures/pii_corpus_generate.py).
2. Precision and recall per kind on the corpus of values in context
   (tests/fixtures/pii_corpus_contexts.py: JSON, logs, URLs, HTML, CSV, Markdown, sentences;
   hard negatives), three ways: the text scan (`pii.find` on each text; a finding counts
   only with the value's exact span, anything else is a false alarm), and `scan_table` on a
   CSV of one column per value (one row), its columns named for what they hold, then named
   `c0001`, `c0002`, … (a finding counts in the value's column, as its kind).
3. Writes a CSV of about `--mb` MB in a temporary folder (1.4 M rows x 6 text columns at the
   default, ~1 % of rows holding personal data, deterministic) and its Parquet copy, times
   `scan_table` on each (best of 3) and prints MB/s of the CSV's size.
4. Wide tables: a 1,000-column x 1,000-row CSV and a 6-column CSV of the same size in bytes
   (the same cells), `scan_table` on each (best of 3), and the ratio of the two times.
5. With --presidio: our `pii.find` and Presidio's AnalyzerEngine (pattern recognizers on a
   blank spaCy pipeline, as its default model cannot be downloaded here) on the same 2,000
   labelled lines, for the kinds both cover: time ratio, precision and recall of each; and
   the cold cost per distinct line (ours caches validity checks by value, Presidio does not).
"""

import argparse
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

from ml_playbook.governance import pii
from ml_playbook.governance.pii_scan import scan_table

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
CORPORA = ("pii_corpus.yaml", "pii_corpus_generated.yaml")
CONTEXTS = "pii_corpus_contexts.yaml"
BYTES_PER_ROW = 160  # of the generated CSV


def read_corpus(name: str):
    """A corpus file of tests/fixtures, with libyaml when installed: 10x faster (the test suite
    reads the corpora on every worker as it collects)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((FIXTURES / name).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)


def load_corpus() -> tuple[list[dict], list[str]]:
    """(positives [{text, kinds}], negatives [text]) of every labelled corpus."""
    positives, negatives = [], []
    for name in CORPORA:
        corpus = read_corpus(name)
        positives += corpus["positives"]
        negatives += corpus["negatives"]
    return positives, negatives


def score(detect, positives: list[dict], negatives: list[str]) -> dict[str, tuple[int, int, int]]:
    """Per kind: (true positives, false negatives, false positives) of `detect(text) -> kinds`."""
    hits, misses, false = Counter(), Counter(), Counter()
    for case in positives:
        found, expected = Counter(detect(case["text"])), Counter(case["kinds"])
        hits.update(found & expected)
        misses.update(expected - found)
        false.update(found - expected)
    for text in negatives:
        false.update(detect(text))
    kinds = sorted(set(hits) | set(misses) | set(false))
    return {kind: (hits[kind], misses[kind], false[kind]) for kind in kinds}


def totals(per_kind: dict[str, tuple[int, int, int]]) -> tuple[float, float]:
    """(recall, precision) over every kind."""
    tp, fn, fp = (sum(column) for column in zip(*per_kind.values(), strict=True))
    return tp / max(1, tp + fn), tp / max(1, tp + fp)


def print_scores(title: str, per_kind: dict[str, tuple[int, int, int]]) -> None:
    print(title)
    for kind, (tp, fn, fp) in per_kind.items():
        recall, precision = tp / max(1, tp + fn), tp / max(1, tp + fp)
        print(f"  {kind:<7} recall {recall:.3f}  precision {precision:.3f}  "
              f"({tp} found, {fn} missed, {fp} false)")  # fmt: skip
    recall, precision = totals(per_kind)
    print(f"  overall recall {recall:.3f}  precision {precision:.3f}")


def load_contexts() -> tuple[list[dict], list[dict]]:
    """(positives, negatives) of the corpus of values in context."""
    corpus = read_corpus(CONTEXTS)
    return corpus["positives"], corpus["negatives"]


def score_text_scan(positives: list[dict], negatives: list[dict]) -> dict:
    """Per kind (tp, fn, fp) of `pii.find` on each text: a finding counts only as the value's
    kind and span (a value cut short still leaks what was cut); any other is a false alarm."""
    hits, misses, false = Counter(), Counter(), Counter()
    for case in [*positives, *negatives]:
        expected = (case.get("kind"), case["start"], case["start"] + len(case["written"]))
        found = False
        for match in pii.find(case["text"], regions=pii.DEFAULT_PHONE_REGIONS):
            if (match.kind, match.start, match.start + len(match.value)) == expected:
                found = True
            else:
                false[match.kind] += 1
        if case.get("kind"):
            (hits if found else misses)[case["kind"]] += 1
    kinds = sorted(set(hits) | set(misses) | set(false))
    return {kind: (hits[kind], misses[kind], false[kind]) for kind in kinds}


def score_table_scan(positives: list[dict], negatives: list[dict], telling: bool) -> dict:
    """Per kind (tp, fn, fp) of `scan_table` on a one-row CSV of one column per value, named
    for what it holds (`telling`) or `c0001`…: a finding counts in its value's column as its
    kind; any other is a false alarm."""
    import csv

    cases = [*positives, *negatives]
    names = [
        f"c{index:04d}" + (f" {case['column']}" if telling and case.get("column") else "")
        for index, case in enumerate(cases, 1)
    ]
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "values.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(names)
            writer.writerow([case["value"] for case in cases])
        findings = scan_table(path, regions=pii.DEFAULT_PHONE_REGIONS)
    by_column: dict[str, set[str]] = {}
    for finding in findings:
        by_column.setdefault(finding.column, set()).add(finding.kind)
    hits, misses, false = Counter(), Counter(), Counter()
    for name, case in zip(names, cases, strict=True):
        found = by_column.get(name, set())
        kind = case.get("kind")
        if kind:
            (hits if kind in found else misses)[kind] += 1
        false.update(found - {kind})
    kinds = sorted(set(hits) | set(misses) | set(false))
    return {kind: (hits[kind], misses[kind], false[kind]) for kind in kinds}


def context_scores() -> None:
    positives, negatives = load_contexts()
    print(f"\nValues in context ({len(positives)} positives, {len(negatives)} hard negatives):")
    print_scores(" text scan (pii.find on each text):", score_text_scan(positives, negatives))
    print_scores(" table scan, columns named for their values:",
                 score_table_scan(positives, negatives, telling=True))  # fmt: skip
    print_scores(" table scan, columns named c0001…:",
                 score_table_scan(positives, negatives, telling=False))  # fmt: skip


def our_kinds(text: str) -> list[str]:
    return [match.kind for match in pii.find(text, regions=pii.DEFAULT_PHONE_REGIONS)]


def write_sample(folder: Path, megabytes: int) -> tuple[Path, Path]:
    """A CSV like a customer-events export (6 text columns, ~1 % of rows with personal data
    in a free-text note or a contact column) and its Parquet copy."""
    import duckdb

    csv, parquet = folder / "sample.csv", folder / "sample.parquet"
    rows = megabytes * 1_000_000 // BYTES_PER_ROW
    query = f"""
        select
            i as id,
            'CUST-' || lpad((i % 9999991)::varchar, 8, '0') as customer_ref,
            case i % 100
                when 0 then 'call me on 010-' || lpad((i % 9973)::varchar, 4, '0') || '-'
                    || lpad((i % 7919)::varchar, 4, '0') || ' after 6'
                when 1 then '메일은 user' || i || '@example.com 으로 보내주세요'
                when 2 then '주민번호 9' || (i % 10) || '0101-1' || lpad((i % 999983)::varchar, 6, '0')
                else 'parcel left at depot ' || (i % 50) || ', build 1.2.' || (i % 10) || '.4'
            end as note,
            substr(md5(i::varchar), 1, 8) || '-' || substr(md5(i::varchar), 9, 4) || '-4'
                || substr(md5(i::varchar), 14, 3) || '-a' || substr(md5(i::varchar), 18, 3)
                || '-' || substr(md5(i::varchar), 21, 12) as session,
            '/api/v1/orders/' || (i * 7 % 1000003) as path,
            ['shipped', 'pending', 'returned', 'cancelled'][1 + i % 4] as status,
            case when i % 100 = 3 then '+44 20 7946 ' || lpad((i % 10000)::varchar, 4, '0')
                 when i % 100 = 4 then '203.0.113.' || (1 + i % 250)
                 else 'n/a' end as contact,
            timestamp '2024-01-01' + to_seconds(i) as created_at,
            round(i * 0.37 % 1000, 2) as amount
        from range({rows}) as t(i)
    """
    connection = duckdb.connect()
    connection.execute("set enable_progress_bar = false")
    connection.execute(f"copy ({query}) to '{csv}' (header)")
    connection.execute(f"copy (select * from read_csv('{csv}')) to '{parquet}' (format parquet)")
    return csv, parquet


def presidio_analyzer():
    try:
        import spacy
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
    except ImportError as missing:
        raise SystemExit(
            f"--presidio needs Presidio ({missing.name} is not installed): run "
            "`uv run --with presidio-analyzer python -m benchmarks.pii --presidio`"
        ) from None

    class BlankSpacy(SpacyNlpEngine):
        def load(self):
            self.nlp = {"en": spacy.blank("en")}

    for name in ("presidio-analyzer", "tldextract", "filelock"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return AnalyzerEngine(nlp_engine=BlankSpacy(), supported_languages=["en"])


# Presidio entity -> our kind, for the kinds both detect.
PRESIDIO_KINDS = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "CREDIT_CARD": "card",
    "IBAN_CODE": "iban",
    "US_SSN": "us_ssn",
}
SHARED_KINDS = {*PRESIDIO_KINDS.values(), "ipv4", "ipv6"}


def comparison_lines(count: int = 2000) -> tuple[list[dict], list[str]]:
    """`count` labelled lines from the corpora, positives of shared kinds and negatives."""
    import random

    positives, negatives = load_corpus()
    shared = [case for case in positives if set(case["kinds"]) <= SHARED_KINDS]
    pool = [("p", case) for case in shared] + [("n", text) for text in negatives]
    picked = random.Random(7).choices(pool, k=count)
    return [c for tag, c in picked if tag == "p"], [t for tag, t in picked if tag == "n"]


def best_of(runs: int, work) -> float:
    """The fastest of `runs` timings of `work()`, in seconds (as timeit reports)."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def compare_with_presidio() -> None:
    positives, negatives = comparison_lines()
    lines = [case["text"] for case in positives] + negatives
    analyzer = presidio_analyzer()
    entities = [*PRESIDIO_KINDS, "IP_ADDRESS"]

    def presidio_kinds(text: str) -> list[str]:
        results = analyzer.analyze(text=text, language="en", entities=entities)
        return [
            PRESIDIO_KINDS.get(r.entity_type)
            or ("ipv6" if ":" in text[r.start : r.end] else "ipv4")
            for r in results
        ]

    for line in lines[:50]:  # warm up: lazy imports, phone metadata, regex caches
        our_kinds(line)
        presidio_kinds(line)
    ours_seconds = best_of(5, lambda: [our_kinds(line) for line in lines])
    presidio_seconds = best_of(5, lambda: [presidio_kinds(line) for line in lines])
    print(
        f"\nSide by side on {len(lines)} labelled lines ({len(set(lines))} distinct; "
        "kinds both detect):"
    )
    print(f"  ml-playbook pii.find : {ours_seconds:6.3f} s (best of 5)")
    print(f"  Presidio analyzer    : {presidio_seconds:6.3f} s (best of 5)")
    print(f"  time ratio (Presidio / ours): {presidio_seconds / ours_seconds:.0f}x")
    # The lines repeat and ours caches phone/IBAN/SSN checks by value; Presidio caches
    # nothing. Each distinct line once, caches emptied first, is the cold cost per line.
    distinct = list(dict.fromkeys(lines))

    def cold() -> None:
        pii.clear_caches()
        for line in distinct:
            our_kinds(line)

    cold_per_line = best_of(5, cold) / len(distinct)
    presidio_per_line = presidio_seconds / len(lines)
    print(
        f"  per distinct line, caches emptied: ours {cold_per_line * 1e6:.1f} µs, Presidio "
        f"{presidio_per_line * 1e6:.0f} µs — ratio {presidio_per_line / cold_per_line:.0f}x"
    )
    print_scores("  ml-playbook:", score(our_kinds, positives, negatives))
    print_scores("  Presidio:", score(presidio_kinds, positives, negatives))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mb", type=int, default=230, help="size of the generated CSV in MB (0: no table scan)"
    )
    parser.add_argument("--presidio", action="store_true", help="also compare with Presidio")
    parser.add_argument(
        "--no-wide", dest="wide", action="store_false", help="skip the wide-table comparison"
    )
    args = parser.parse_args(argv)
    print_scores("Labelled corpus, per kind:", score(our_kinds, *load_corpus()))
    context_scores()
    if args.mb > 0:
        table_throughput(args.mb)
    if args.wide:
        wide_tables()
    if args.presidio:
        compare_with_presidio()
    return 0


def table_throughput(megabytes: int) -> None:
    print(f"\nTable scan ({os.cpu_count()} cores):")
    with tempfile.TemporaryDirectory() as scratch:
        csv, parquet = write_sample(Path(scratch), megabytes)
        size_mb = csv.stat().st_size / 1e6
        print(f"  sample: {size_mb:.0f} MB CSV, {parquet.stat().st_size / 1e6:.0f} MB Parquet")
        for path in (csv, parquet):
            findings = scan_table(path)
            seconds = best_of(3, lambda path=path: scan_table(path))
            print(
                f"  scan {path.suffix:<8} {seconds:6.2f} s  {size_mb / seconds:6.1f} MB/s "
                "(of CSV, best of 3)"
            )
            for finding in findings:
                print(f"    {finding.column}: {finding.kind} x{finding.count}")


# Cells of the wide-table comparison: mostly plain values, ~1 % personal data (as the tall
# sample), drawn alike for both shapes so the two files hold the same cells.
WIDE_CELLS = ["shipped", "n/a", "2024-03-01", "CUST-00012345", "12.50", "parcel left at depot",
              "/api/v1/orders/77", "build 1.2.3.4", "ok", "3f9a1c2e"]  # fmt: skip
WIDE_PERSONAL = ["010-1234-5678", "kim@example.com", "900101-1234567", "203.0.113.7"]


def write_cells(path: Path, columns: int, rows: int, seed: int = 8) -> None:
    import csv
    import random

    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"field_{index}" for index in range(columns)])
        for _ in range(rows):
            writer.writerow(
                rng.choice(WIDE_PERSONAL) if rng.random() < 0.01 else rng.choice(WIDE_CELLS)
                for _ in range(columns)
            )


def wide_tables(columns: int = 1000, rows: int = 1000, runs: int = 5) -> None:
    """`scan_table` on a `columns` x `rows` CSV and on a 6-column CSV of the same cells: the
    fastest of `runs` wall-clock times, and the CPU seconds of this process (every DuckDB
    thread) in that run, which other load on the machine disturbs less."""
    print(f"\nWide tables ({os.cpu_count()} cores):")
    with tempfile.TemporaryDirectory() as scratch:
        wide, narrow = Path(scratch) / "wide.csv", Path(scratch) / "narrow.csv"
        write_cells(wide, columns, rows)
        write_cells(narrow, 6, columns * rows // 6)
        timings = {}
        for path, shape in ((wide, f"{columns} x {rows}"), (narrow, f"6 x {columns * rows // 6}")):
            scan_table(path)  # warm: imports, caches of the detector
            timings[path] = min(timed(lambda path=path: scan_table(path)) for _ in range(runs))
            wall, cpu = timings[path]
            print(f"  {shape:>12} cells: {path.stat().st_size / 1e6:5.1f} MB  {wall:6.2f} s "
                  f"(best of {runs}), {cpu:5.2f} CPU s")  # fmt: skip
        (wide_wall, wide_cpu), (narrow_wall, narrow_cpu) = timings[wide], timings[narrow]
        print(f"  wide / narrow: {wide_wall / narrow_wall:.2f}x wall, "
              f"{wide_cpu / narrow_cpu:.2f}x CPU (goal: at most 2x)")  # fmt: skip


def timed(work) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of this process) of `work()`."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    sys.exit(main())
