"""check-notebooks: notebooks live in notebooks/, are named NN-initials-topic.ipynb, and are
committed without outputs.

Outputs hold data (sometimes personal data), bloat the history and make diffs unreadable;
`nbstripout` (a hook in the same config) removes them.
"""

import json
import re
from collections.abc import Iterator, Sequence

from ..files import Note, NotRegular, Skip, TooLarge, argument, clip, posix, read_text, shown
from ._cli import parse, parser, report

NAME = re.compile(r"^\d{2,}-[a-z]{2,4}-[a-z0-9]+(-[a-z0-9]+)*\.ipynb$")
# Larger notebooks all but always carry outputs (plots, tables); clearing them is the fix.
MAX_BYTES = 10 * 1024 * 1024


def problems(filenames: Sequence[str]) -> Iterator[str]:
    for name in filenames:
        path = posix(name)
        if path.suffix != ".ipynb":
            continue
        if path.parts[0] != "notebooks":
            yield f"{shown(name)}: notebooks belong in notebooks/; move it there."
        if not NAME.match(path.name):
            yield (
                f"{shown(name)}: name notebooks <number>-<initials>-<topic>.ipynb, lowercase "
                "(e.g. 01-jd-churn-by-tenure.ipynb)."
            )
        yield from _output_problems(name)


def _cells(name: str) -> list[dict]:
    """The notebook's cells; Skip, with what is wrong, if it is not a notebook."""
    text = read_text(name, MAX_BYTES)
    if text is None:
        raise Skip(f"{shown(name)}: a binary file, not a notebook; re-save it in Jupyter.")
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise Skip(
            f"{shown(name)}: not a readable notebook (invalid JSON at line {error.lineno}: "
            f"{error.msg}); fix or re-save it in Jupyter."
        ) from None
    except RecursionError:
        raise Skip(f"{shown(name)}: not a notebook (JSON nested too deeply).") from None
    except ValueError as error:  # e.g. a number longer than Python converts
        raise Skip(f"{shown(name)}: not a readable notebook ({clip(str(error))}).") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
        raise Skip(
            f"{shown(name)}: not a Jupyter notebook (expected a JSON object with a list of "
            "cells); fix or re-save it in Jupyter."
        )
    return cells


def _output_problems(name: str) -> Iterator[str]:
    try:
        cells = _cells(name)
    except NotRegular as skipped:
        yield Note(skipped)
        return
    except TooLarge as large:
        yield f"{large} Notebooks this large keep outputs: `uv run nbstripout {argument(name)}`."
        return
    except Skip as unreadable:
        yield str(unreadable)
        return
    with_output = [
        index
        for index, cell in enumerate(cells, 1)
        if cell.get("outputs") or cell.get("execution_count") is not None
    ]
    if with_output:
        listed = ", ".join(str(i) for i in with_output[:5]) + (
            " ..." if len(with_output) > 5 else ""
        )
        yield (
            f"{shown(name)}: {len(with_output)} cell(s) keep outputs or execution counts "
            f"(cells {listed}); clear them with `uv run nbstripout <notebook>`."
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(parser(__doc__.splitlines()[0]), argv)
    return report(problems(args.filenames))


if __name__ == "__main__":
    raise SystemExit(main())
