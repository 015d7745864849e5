"""The questions of copier.yml, read the way copier reads them (multi-document, `!include`)."""

from pathlib import Path
from typing import Any

import yaml

from devtools.template_clone import TEMPLATE_ROOT


class _IncludeLoader(yaml.SafeLoader):
    """A SafeLoader that knows copier's `!include` tag (a glob relative to copier.yml)."""


def _include(loader: _IncludeLoader, node: yaml.Node) -> list[Any]:
    pattern = loader.construct_scalar(node)
    documents = []
    for path in sorted(TEMPLATE_ROOT.glob(str(pattern))):
        documents.extend(d for d in yaml.load_all(path.read_text(), Loader=_IncludeLoader) if d)
    return documents


_IncludeLoader.add_constructor("!include", _include)


def load_copier_config(path: Path = TEMPLATE_ROOT / "copier.yml") -> dict[str, Any]:
    """copier.yml merged into one mapping: settings (`_name`) and questions."""
    merged: dict[str, Any] = {}
    for document in yaml.load_all(path.read_text(), Loader=_IncludeLoader):
        for part in document if isinstance(document, list) else [document]:
            merged.update(part or {})
    return merged


def questions(config: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Every question, hidden ones (`when: false`) included, in file order."""
    config = load_copier_config() if config is None else config
    return {name: spec for name, spec in config.items() if not name.startswith("_")}


def asked_questions(config: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The questions a user is asked, whose answers the answers file records."""
    return {name: spec for name, spec in questions(config).items() if spec.get("when") is not False}


def choice_values(spec: dict[str, Any]) -> list[Any]:
    """The values a choice question accepts (choices may be a list or a label -> value mapping)."""
    choices = spec.get("choices", [])
    return list(choices.values()) if isinstance(choices, dict) else list(choices)
