"""check-sql-layout: SQL files live in sql/<layer>/ and are named for their layer.

The layers and prefixes are those of the generated sql/README.md: staging/stg_, features/feat_,
sets/set_, tests/assert_, and macros/ (any name). Names are lowercase snake_case.

It judges names only and never opens a file, so no file can hang or crash it. Names are
read as git writes them, with `/` between folders: on POSIX `sql\\staging\\stg_x.sql`
is one file at the root, and is refused.
"""

import re
from collections.abc import Iterator, Sequence

from ..conventions import SQL_LAYER_PREFIXES
from ..files import posix, shown
from ._cli import parse, parser, report

LAYER_PREFIXES = SQL_LAYER_PREFIXES  # shared with the generated projects' SQL stages
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*\.sql$")


def problems(filenames: Sequence[str]) -> Iterator[str]:
    for name in filenames:
        path = posix(name)
        if path.suffix != ".sql":
            continue
        parts = path.parts
        if parts[0] != "sql" or len(parts) != 3 or parts[1] not in LAYER_PREFIXES:
            layers = ", ".join(f"sql/{layer}/" for layer in LAYER_PREFIXES)
            yield f"{shown(name)}: SQL belongs in one of {layers} (see sql/README.md); move it there."
            continue
        layer, file_name = parts[1], parts[2]
        prefix = LAYER_PREFIXES[layer]
        if not SNAKE_CASE.match(file_name):
            yield f"{shown(name)}: name SQL files in lowercase snake_case (e.g. {prefix or 'my_'}name.sql)."
        elif not file_name.startswith(prefix):
            yield f"{shown(name)}: models in sql/{layer}/ start with '{prefix}'; rename it {prefix}{file_name}."


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(parser(__doc__.splitlines()[0]), argv)
    return report(problems(args.filenames))


if __name__ == "__main__":
    raise SystemExit(main())
