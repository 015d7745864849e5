"""YAML from files anyone can commit (provenance records, dvc.yaml, .dvc files), read with
limits so that no file can crash or stall a hook.

Before anything is built, one pass over the parser's events (no recursion, no objects)
measures each document: how deep it nests, and how many nodes it holds once every alias is
expanded. A 5,000-deep nesting or an alias bomb (a few lines that expand to billions of
nodes) is refused in milliseconds, before PyYAML's recursive composer or any code walking
the result could run out of stack or memory. Dates stay text: the schema checks them, so
`2030-02-30` is a field error, not a crash. A key written twice in one mapping is refused:
PyYAML would keep the last value silently, while DVC refuses the file — one rule everywhere.
"""

import yaml

from ..files import clip

MAX_DEPTH = 64  # records and DVC files nest 3 or 4 levels
MAX_NODES = 100_000  # after alias expansion; a large dvc.yaml holds a few thousand

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: faster


class Refused(ValueError):
    """The text is not YAML this package reads; the message (one line) says why."""


class _Loader(_Base):
    """The safe loader, with dates left as the text they are written as, refusing a key
    written twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *defaults` overrides on purpose
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
                seen.setdefault(key, line)
            except TypeError:  # an unhashable key: the base constructor says so
                continue
            if first is not None:
                where = f"lines {first} and {line}" if first != line else f"line {line}"
                raise Refused(f"the key '{clip(str(key))}' is written twice ({where})")
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _measure(text: str) -> None:
    """Refuse text that nests deeper than MAX_DEPTH or expands to more than MAX_NODES."""
    expanded: dict[str, int] = {}  # anchor -> nodes its value expands to
    open_collections: list[list] = []  # [anchor, nodes so far] of each collection not closed
    total = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _OPEN):
            open_collections.append([event.anchor, 1])
            if len(open_collections) > MAX_DEPTH:
                raise Refused(f"nested deeper than {MAX_DEPTH} levels")
            continue
        if isinstance(event, _CLOSE):
            anchor, nodes = open_collections.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, nodes = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, nodes = None, expanded.get(event.anchor, 1)
        else:
            continue  # stream and document boundaries
        if anchor is not None:
            expanded[anchor] = nodes
        if open_collections:
            open_collections[-1][1] += nodes
            nodes = open_collections[-1][1]
        else:
            total += nodes
            nodes = total
        if nodes > MAX_NODES:
            raise Refused(f"holds more than {MAX_NODES:,} values, counting what aliases repeat")


def load(text: str) -> object:
    """The single YAML document in `text`. Raises Refused with a one-line reason."""
    try:
        _measure(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except Refused:
        raise
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None)
        raise Refused(
            f"not valid YAML{where}" + (f" ({clip(problem)})" if problem else "")
        ) from None
    except (ValueError, TypeError, RecursionError) as error:  # e.g. a 5,000-digit integer
        raise Refused(f"not YAML this check reads ({clip(str(error))})") from None
