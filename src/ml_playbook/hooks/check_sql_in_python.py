"""check-sql-in-python: no large SQL string literals hidden in Python modules.

A query of more than a few lines belongs in sql/ as a model, where it is linted, tested and
translated. Short queries (`select count(*) from t`) are fine.

Python that does not parse is left to ruff; Python too deep for the parser to build
(which Python cannot run either) is reported. Modules over 5 MB are generated code: noted
and skipped.
"""

import ast
import re
import warnings
from collections.abc import Iterator, Sequence

from ..files import Note, NotRegular, Skip, TooLarge, read_bytes, shown
from ._cli import parse, parser, report

SQL_START = re.compile(r"^\s*(select|with|insert\s+into|update|delete\s+from|create|merge)\b", re.I)
SQL_BODY = re.compile(r"\b(from|into|table|set|using)\b", re.I)
# Prose ("Select the best model. It is chosen from ...") ends sentences; SQL does not.
SENTENCE_END = re.compile(r"[a-z]\.(\s|$)")
MAX_BYTES = 5 * 1024 * 1024  # larger modules are generated code, not where queries hide


def looks_like_sql(text: str) -> bool:
    return bool(SQL_START.match(text) and SQL_BODY.search(text) and not SENTENCE_END.search(text))


def problems(filenames: Sequence[str], max_lines: int) -> Iterator[str]:
    for name in filenames:
        if not name.endswith(".py"):
            continue
        try:
            tree = _parse(name)
        except (NotRegular, TooLarge) as skipped:
            yield Note(skipped)
            continue
        except Skip as unreadable:
            yield str(unreadable)
            continue
        if tree is None:
            continue  # not ours to judge: ruff reports broken Python
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            lines = node.value.strip().count("\n") + 1
            if lines > max_lines and looks_like_sql(node.value):
                yield (
                    f"{shown(name)}:{node.lineno}: a {lines}-line SQL string; move it to sql/ as a "
                    f"model (more than {max_lines} lines of SQL belong there)."
                )


def _parse(name: str) -> ast.Module | None:
    """The module's syntax tree; None if it is not valid Python. Raises Skip if it cannot
    be read, or nests deeper than Python's parser goes."""
    source = read_bytes(name, MAX_BYTES)  # bytes: the parser honours a coding declaration
    try:
        with warnings.catch_warnings():  # e.g. an invalid escape: ruff's to report, not ours
            warnings.simplefilter("ignore")
            return ast.parse(source, filename=name)
    except (SyntaxError, ValueError):
        return None
    except (RecursionError, MemoryError):
        raise Skip(
            f"{shown(name)}: nests too deeply for Python to parse (nor can Python run it); "
            "simplify the expression."
        ) from None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument(
        "--max-lines", type=int, default=5, help="longest SQL string allowed in Python (lines)"
    )
    args = parse(arguments, argv)
    return report(problems(args.filenames, args.max_lines))


if __name__ == "__main__":
    raise SystemExit(main())
