"""check-sql-in-python: no large SQL string literals hidden in Python modules.

A query of more than a few lines belongs in sql/ as a model, where it is linted, tested and
translated. Short queries (`select count(*) from t`) are fine.
"""

import ast
import re
from collections.abc import Iterator, Sequence

from ._common import parser, report

SQL_START = re.compile(r"^\s*(select|with|insert\s+into|update|delete\s+from|create|merge)\b", re.I)
SQL_BODY = re.compile(r"\b(from|into|table|set|using)\b", re.I)
# Prose ("Select the best model. It is chosen from ...") ends sentences; SQL does not.
SENTENCE_END = re.compile(r"[a-z]\.(\s|$)")


def looks_like_sql(text: str) -> bool:
    return bool(SQL_START.match(text) and SQL_BODY.search(text) and not SENTENCE_END.search(text))


def problems(filenames: Sequence[str], max_lines: int) -> Iterator[str]:
    for name in filenames:
        if not name.endswith(".py"):
            continue
        try:
            with open(name, encoding="utf-8") as handle:
                tree = ast.parse(handle.read(), filename=name)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue  # not ours to judge: ruff reports broken Python
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            lines = node.value.strip().count("\n") + 1
            if lines > max_lines and looks_like_sql(node.value):
                yield (
                    f"{name}:{node.lineno}: a {lines}-line SQL string; move it to sql/ as a "
                    f"model (more than {max_lines} lines of SQL belong there)."
                )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument(
        "--max-lines", type=int, default=5, help="longest SQL string allowed in Python (lines)"
    )
    args = arguments.parse_args(argv)
    return report(problems(args.filenames, args.max_lines))


if __name__ == "__main__":
    raise SystemExit(main())
