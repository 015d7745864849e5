"""check-process-doc: every section of the process document has an answer.

A section (a `##`/`###` heading) is unanswered when it has no text of its own, or its text
is a placeholder (TODO, TBD, FIXME, XXX, ???, <answer>). A capability that is not built yet
is answered by saying so plainly.

Headings and comments are found with string methods, not backtracking regular
expressions, so the time taken grows with the document's length and no more.
"""

import re
from collections.abc import Iterator, Sequence

from ..files import Note, NotRegular, Skip, clip, read_text, shown
from ._cli import parse, parser, report

# Literal alternatives between word boundaries: constant work at each position.
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX)\b|\?\?\?|<answer>", re.IGNORECASE)
FENCES = ("```", "~~~")
CODE_SPAN = re.compile(r"`[^`\n]*`")  # a command or path quoted in prose is not a placeholder
TAG = re.compile(r"<[^<>\n]*>")  # anchors (<a id="q7"></a>) are not part of a title
MAX_BYTES = 64 * 1024 * 1024  # only a guard on memory: the scan is linear in the text


def heading(line: str) -> tuple[int, str] | None:
    """(level, title) of a `##`..`######` ATX heading, without its closing `#`s; else None."""
    level = len(line) - len(line.lstrip("#"))
    rest = line[level:]
    if not 2 <= level <= 6 or not rest[:1].isspace():
        return None
    title = rest.strip()
    unclosed = title.rstrip("#")
    if unclosed != title and (not unclosed or unclosed[-1].isspace()):
        title = unclosed.rstrip()  # a closing sequence: `## Title ##`
    return level, title


def without_comments(text: str) -> str:
    """`text` without its HTML comments (an unclosed one runs to the end)."""
    kept, position = [], 0
    while (start := text.find("<!--", position)) != -1:
        kept.append(text[position:start])
        end = text.find("-->", start + 4)
        position = len(text) if end == -1 else end + 3
    kept.append(text[position:])
    return "".join(kept)


def prose(body: str) -> str:
    """`body` without fenced code blocks and inline code spans: what a reader takes as the answer."""
    kept, in_fence = [], False
    for line in body.splitlines():
        if line.strip().startswith(FENCES):
            in_fence = not in_fence
        elif not in_fence:
            kept.append(CODE_SPAN.sub("", line))
    return "\n".join(kept)


def sections(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(line number, level, title, own body) of each heading, skipping fenced code."""
    current: list = []
    in_fence = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(FENCES):
            in_fence = not in_fence
        found = None if in_fence else heading(line)
        if found:
            if current:
                yield current[0], current[1], current[2], "\n".join(current[3])
            current = [number, *found, []]
        elif current:
            current[3].append(line)
    if current:
        yield current[0], current[1], current[2], "\n".join(current[3])


def problems(filenames: Sequence[str]) -> Iterator[str]:
    for name in filenames:
        try:
            text = read_text(name, MAX_BYTES)
        except NotRegular as skipped:
            yield Note(skipped)
            continue
        except Skip as unreadable:
            yield str(unreadable)
            continue
        if text is None:
            yield f"{shown(name)}: a binary file, not a Markdown document; save it as UTF-8 text."
            continue
        found = list(sections(text))
        for index, (line, level, title, body) in enumerate(found):
            body = without_comments(body).strip()
            has_subsections = index + 1 < len(found) and found[index + 1][1] > level
            where = f"{shown(name)}:{line}: section '{clip(TAG.sub('', title).strip())}'"
            if not body and not has_subsections:
                yield f"{where} has no answer; write one, or say plainly that it is not built yet."
            elif placeholder := PLACEHOLDER.search(prose(body)):
                yield f"{where} holds a placeholder ({placeholder.group(0)}); replace it with the answer."


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(parser(__doc__.splitlines()[0]), argv)
    return report(problems(args.filenames))


if __name__ == "__main__":
    raise SystemExit(main())
