"""Time ml-playbook's convention hooks on a synthetic 2,000-file repository.

    uv run python -m benchmarks.hooks [--files 2000] [--runs 5]

Each hook runs as pre-commit runs it: one process (its console script) given every file its
`files`/`types` filter selects. Prints the median per hook and their total (target <= 1 s).
Then times each hook on hostile inputs at two sizes, ten times apart: time linear in the
input grows at most tenfold (less, as process start-up is a fixed cost); a blow-up shows.
"""

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from devtools.template_clone import TEMPLATE_ROOT

PYTHON = 'QUERY = "select count(*) from t"\n\n\ndef f(x):\n    """Add one."""\n    return x + 1\n'
SQL = "select\n    customer_id,\n    plan\nfrom {{ ref('stg_customers') }}\n"
NOTEBOOK = json.dumps({"cells": [{"cell_type": "code", "source": ["1"], "metadata": {},
                                  "outputs": [], "execution_count": None}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})  # fmt: skip
# A provenance record covering the samples: check-data-records wants one for data/ files.
SAMPLES_RECORD = {
    "name": "samples",
    "description": "Small synthetic samples for tests and examples.",
    "paths": ["data/samples"],
    "source": {"system": "benchmark generator", "collection_method": "generated in code"},
    "owner": {"team": "ml", "contact": "@ml-team"},
    "license": "MIT",
    "legal_basis": {"basis": "not_personal_data", "note": "synthetic"},
    "time_range": {"start": "2024-01-01", "end": "2024-12-31"},
    "pii": {"present": False, "fields": []},
    "retention": {"delete_by": "2030-12-31"},
    "lineage": {"produced_by": ["benchmark"], "consumed_by": ["tests"]},
    "version": "dvc.lock",
    "sensitivity": "public",
    "sign_off": {"reviewer": "@ml-lead", "date": "2024-02-01", "decision": "approved"},
}
MARKDOWN = "# Notes\n\n## Section\n\nSome text that answers it.\n" * 5
ALIAS_BOMB_LINE = "{0}: &{0} [{1}]\n"
# (hook, input, file name, content for size n, small n); the large input is ten times n.
HOSTILE = [
    ("check-process-doc", "heading, n spaces inside", "docs/process.md", lambda n: "## a" + " " * n + "b\n", 300_000),
    ("check-process-doc", "n unclosed comments", "docs/process.md", lambda n: "## A\n" + "<!--" * n, 100_000),
    ("check-pii", "minified line of n*12 chars", "app.js", lambda n: "ab1.c_d%e+f-" * n, 8_500),
    ("check-pii", "hex line of n*16 chars", "hex.txt", lambda n: "0123456789abcdef" * n, 1_000),
    ("check-update-leftovers", "one line of n bytes", "line.txt", lambda n: "a" * n, 2_000_000),
    ("check-notebooks", "n nested [", "notebooks/01-ab-x.ipynb", lambda n: "[" * n, 10_000),
    ("check-sql-in-python", "x = n minus signs", "x.py", lambda n: "x = " + "-" * n + "1\n", 20_000),
    ("check-data-records", "alias bomb, n levels", "data/sources/bomb.yml",
     lambda n: ALIAS_BOMB_LINE.format("a", ", ".join(["lol"] * 9)) + "".join(
         ALIAS_BOMB_LINE.format(f"a{i + 1}", ", ".join([f"*a{i if i else ''}"] * 9)) for i in range(n)), 1),
]  # fmt: skip


def make_repository(root: Path, count: int) -> list[str]:
    """`count` files in a typical mix: Python, SQL, notebooks, docs and small samples."""
    kinds = [
        ("src/pkg/module_{i}.py", PYTHON),
        ("sql/features/feat_table_{i}.sql", SQL),
        ("notebooks/{i:02d}-ab-topic.ipynb", NOTEBOOK),
        ("docs/page_{i}.md", MARKDOWN),
        ("data/samples/sample_{i}.csv", "id,value\n1,2\n" * 20),
    ]
    names = []
    for i in range(count):
        pattern, content = kinds[i % len(kinds)]
        name = pattern.format(i=i)
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)
        names.append(name)
    (root / "docs/process.md").write_text(MARKDOWN)
    (root / "data/sources").mkdir(parents=True)
    (root / "data/sources/samples.yml").write_text(yaml.safe_dump(SAMPLES_RECORD))
    return [*names, "docs/process.md", "data/sources/samples.yml"]


def selected(hook: dict, names: list[str]) -> list[str]:
    """The files pre-commit would pass the hook (its `files` pattern and python type)."""
    pattern = re.compile(hook.get("files", ""))
    chosen = [name for name in names if pattern.search(name)]
    if "python" in hook.get("types", []):
        chosen = [name for name in chosen if name.endswith(".py")]
    return chosen


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    if "Traceback" in done.stdout + done.stderr:
        sys.exit(f"{command[0]} crashed:\n{(done.stdout + done.stderr)[-2000:]}")
    return time.perf_counter() - started


def hostile_figures(scripts: Path) -> None:
    """Each hook on hostile inputs of size n and 10 n."""
    print(f"\n{'hook':<24} {'hostile input':<30} {'n':>10} {'ms':>7} {'10 n ms':>8}")
    for hook, label, name, content, size in HOSTILE:
        times = []
        for n in (size, size * 10):
            with tempfile.TemporaryDirectory() as scratch:
                (Path(scratch) / name).parent.mkdir(parents=True, exist_ok=True)
                (Path(scratch) / name).write_text(content(n))
                times.append(timed([str(scripts / hook), name], Path(scratch)))
        print(f"{hook:<24} {label:<30} {size:>10,} {times[0] * 1000:7.0f} {times[1] * 1000:8.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000, help="files in the repository")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per hook")
    args = parser.parse_args(argv)
    hooks = yaml.safe_load((TEMPLATE_ROOT / ".pre-commit-hooks.yaml").read_text())
    scripts = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        names = make_repository(root, args.files)
        medians = {}
        for hook in hooks:
            files = selected(hook, names)
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                done = subprocess.run(
                    [str(scripts / hook["entry"]), *files], cwd=root, capture_output=True, text=True
                )
                times.append(time.perf_counter() - started)
                if done.returncode:  # the synthetic repository follows every convention
                    sys.exit(
                        f"{hook['id']} failed on the synthetic repository:\n{done.stdout[:2000]}"
                    )
            medians[hook["id"]] = (statistics.median(times), len(files))
    for hook_id, (seconds, files) in medians.items():
        print(f"{hook_id:<24} {seconds * 1000:7.0f} ms  ({files} files)")
    total = sum(seconds for seconds, _ in medians.values())
    print(f"{'total':<24} {total * 1000:7.0f} ms  on {args.files} files (target <= 1000 ms)")
    hostile_figures(scripts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
