"""Hook tests run `main([...])` on files written in a temp dir that stands for a repository."""

import pytest


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A temp working directory; `write(path, text)` creates a file and returns its path."""
    monkeypatch.chdir(tmp_path)

    def write(path: str, content: str | bytes = "") -> str:
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return path

    return write
