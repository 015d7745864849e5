"""PII scanner throughput, and a side-by-side with Microsoft Presidio.

    uv run python -m benchmarks.pii [--mb 500]                       # our scanner only
    uv run --with presidio-analyzer python -m benchmarks.pii --presidio

1. Writes a ~500 MB CSV (DuckDB, deterministic) with emails, phone numbers, Korean
   registration numbers, cards, IPs and tricky negatives, and its Parquet copy; times
   `scan_table` on each and prints MB/s (of the CSV's size).
2. With --presidio: times our `pii.find` and Presidio's AnalyzerEngine (pattern recognizers
   on a blank spaCy pipeline, as its default model cannot be downloaded here) on the same
   2,000 lines, for the entity types both cover, and prints the time ratio.
"""

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from ml_playbook import pii
from ml_playbook.pii_scan import scan_table

ROWS_PER_MB = 6_400  # rows of the generated table in one MB of CSV


def write_sample(folder: Path, megabytes: int) -> tuple[Path, Path]:
    import duckdb

    csv, parquet = folder / "sample.csv", folder / "sample.parquet"
    rows = megabytes * ROWS_PER_MB
    query = f"""
        select
            i as id,
            'user' || i || '@example.com' as email,
            '010-' || lpad(((i * 7919) % 10000)::varchar, 4, '0') || '-'
                || lpad(((i * 104729) % 10000)::varchar, 4, '0') as phone,
            case when i % 10 = 0 then '900101-1' || lpad((i % 1000000)::varchar, 6, '0')
                 else null end as registration_number,
            case when i % 50 = 0 then '4111 1111 1111 1111' else null end as card,
            '10.' || (i % 256) || '.' || ((i // 256) % 256) || '.7' as client_ip,
            'ORD-2024-' || lpad(i::varchar, 7, '0') as order_number,
            '2024-01-' || lpad((1 + i % 28)::varchar, 2, '0') || 'T10:20:30Z' as created_at,
            'version 1.2.' || (i % 10) || '.4 ' || uuid() as note,
            round(i * 0.37, 2) as amount
        from range({rows}) as t(i)
    """
    connection = duckdb.connect()
    connection.execute(f"copy ({query}) to '{csv}' (header)")
    connection.execute(f"copy (select * from read_csv('{csv}')) to '{parquet}' (format parquet)")
    return csv, parquet


def time_scan(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    findings = scan_table(path)
    return time.perf_counter() - started, len(findings)


def lines_for_comparison() -> list[str]:
    import random

    rng = random.Random(7)
    templates = [
        "contact {0}.kim@example.com about order ORD-2024-{1:07d}",
        "call 010-{1:04d}-{0:04d} or +82 10-{0:04d}-{1:04d}",
        "card 4111 1111 1111 1111 charged at 2024-01-15T10:20:30Z",
        "login from 203.0.113.{2} with version 1.2.3.4",
        "iban DE89 3704 0044 0532 0130 00, ssn 536-22-{0:04d}",
        "uuid 123e4567-e89b-12d3-a456-{1:012d} and nothing else",
    ]
    return [
        rng.choice(templates).format(
            rng.randint(0, 9999), rng.randint(0, 9999), rng.randint(1, 254)
        )
        for _ in range(2000)
    ]


def presidio_analyzer():
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class BlankSpacy(SpacyNlpEngine):
        def load(self):
            self.nlp = {"en": spacy.blank("en")}

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    return AnalyzerEngine(nlp_engine=BlankSpacy(), supported_languages=["en"])


PRESIDIO_ENTITIES = [
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IP_ADDRESS",
    "IBAN_CODE",
    "US_SSN",
]


def compare_with_presidio() -> None:
    lines = lines_for_comparison()
    started = time.perf_counter()
    ours = sum(len(list(pii.find(line))) for line in lines)
    ours_seconds = time.perf_counter() - started
    analyzer = presidio_analyzer()
    analyzer.analyze(text=lines[0], language="en", entities=PRESIDIO_ENTITIES)  # warm up
    started = time.perf_counter()
    theirs = sum(
        len(analyzer.analyze(text=line, language="en", entities=PRESIDIO_ENTITIES))
        for line in lines
    )
    presidio_seconds = time.perf_counter() - started
    print(f"ml-playbook pii.find : {ours_seconds:6.2f} s for {len(lines)} lines, {ours} findings")
    print(
        f"Presidio analyzer    : {presidio_seconds:6.2f} s for {len(lines)} lines, {theirs} findings"
    )
    print(f"time ratio (Presidio / ours): {presidio_seconds / ours_seconds:.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=500, help="size of the generated CSV in MB")
    parser.add_argument("--presidio", action="store_true", help="also compare with Presidio")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        csv, parquet = write_sample(Path(scratch), args.mb)
        size_mb = csv.stat().st_size / 1e6
        print(f"sample: {size_mb:.0f} MB CSV, {parquet.stat().st_size / 1e6:.0f} MB Parquet")
        for path in (csv, parquet):
            seconds, findings = time_scan(path)
            print(
                f"scan {path.suffix:<8} {seconds:6.1f} s  {size_mb / seconds:6.1f} MB/s  ({findings} column findings)"
            )
    if args.presidio:
        compare_with_presidio()
    return 0


if __name__ == "__main__":
    sys.exit(main())
