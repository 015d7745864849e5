"""check-process-doc: every section of the process document has an answer.

A section (a `##`/`###` heading) is unanswered when it has no text of its own, or its text
is a placeholder (TODO, TBD, FIXME, XXX, ???, <answer>). A capability that is not built yet
is answered by saying so plainly.
"""

import re
from collections.abc import Iterator, Sequence

from ._common import parser, report

HEADING = re.compile(r"^(#{2,6})\s+(.+?)\s*#*\s*$")
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX)\b|\?\?\?|<answer>", re.IGNORECASE)
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
FENCE = re.compile(r"^(```|~~~)")


def sections(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(line number, level, title, own body) of each heading, skipping fenced code."""
    current: list = []
    in_fence = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line.strip()):
            in_fence = not in_fence
        match = None if in_fence else HEADING.match(line)
        if match:
            if current:
                yield current[0], current[1], current[2], "\n".join(current[3])
            current = [number, len(match.group(1)), match.group(2), []]
        elif current:
            current[3].append(line)
    if current:
        yield current[0], current[1], current[2], "\n".join(current[3])


def problems(filenames: Sequence[str]) -> Iterator[str]:
    for name in filenames:
        try:
            with open(name, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            yield f"{name}: cannot be read as UTF-8 text; save it as UTF-8."
            continue
        found = list(sections(text))
        for index, (line, level, title, body) in enumerate(found):
            body = COMMENT.sub("", body).strip()
            has_subsections = index + 1 < len(found) and found[index + 1][1] > level
            if not body and not has_subsections:
                yield f"{name}:{line}: section '{title}' has no answer; write one, or say plainly that it is not built yet."
            elif PLACEHOLDER.search(body):
                yield f"{name}:{line}: section '{title}' holds a placeholder ({PLACEHOLDER.search(body).group(0)}); replace it with the answer."


def main(argv: Sequence[str] | None = None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    return report(problems(args.filenames))


if __name__ == "__main__":
    raise SystemExit(main())
