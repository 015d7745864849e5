"""Small repositories for the readiness tests: files written under a root, and a test file
whose one test claims ML Test Score items."""

import datetime as dt
from pathlib import Path

TODAY = dt.date(2026, 6, 1)
CI = ".github/workflows/ci.yml"


def repository(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def marked_test(*items: str) -> str:
    names = ", ".join(repr(item) for item in items)
    return f"import pytest\n\n\n@pytest.mark.readiness({names})\ndef test_it():\n    assert True\n"
