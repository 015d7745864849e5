"""check-notebooks: notebooks live in notebooks/, are named NN-initials-topic.ipynb, and are
committed without outputs.

Outputs hold data (sometimes personal data), bloat the history and make diffs unreadable;
`nbstripout` (a hook in the same config) removes them.
"""

import json
import re
from collections.abc import Iterator, Sequence

from ._common import parser, posix, report

NAME = re.compile(r"^\d{2,}-[a-z]{2,4}-[a-z0-9]+(-[a-z0-9]+)*\.ipynb$")


def problems(filenames: Sequence[str]) -> Iterator[str]:
    for name in filenames:
        path = posix(name)
        if path.suffix != ".ipynb":
            continue
        if path.parts[0] != "notebooks":
            yield f"{name}: notebooks belong in notebooks/; move it there."
        if not NAME.match(path.name):
            yield (
                f"{name}: name notebooks <number>-<initials>-<topic>.ipynb, lowercase "
                "(e.g. 01-jd-churn-by-tenure.ipynb)."
            )
        yield from _output_problems(name)


def _output_problems(name: str) -> Iterator[str]:
    try:
        with open(name, encoding="utf-8") as handle:
            notebook = json.load(handle)
        cells = notebook.get("cells", [])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        yield f"{name}: not a readable notebook (invalid JSON); fix or re-save it in Jupyter."
        return
    with_output = [
        index
        for index, cell in enumerate(cells, 1)
        if cell.get("outputs") or cell.get("execution_count") is not None
    ]
    if with_output:
        shown = ", ".join(str(i) for i in with_output[:5]) + (
            " ..." if len(with_output) > 5 else ""
        )
        yield (
            f"{name}: {len(with_output)} cell(s) keep outputs or execution counts (cells {shown}); "
            "clear them with `uv run nbstripout <notebook>`."
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    return report(problems(args.filenames))


if __name__ == "__main__":
    raise SystemExit(main())
