"""What a test needs from the machine beyond the Python environment (a browser, a PostgreSQL
server, Java), said once: outside CI a test that lacks it is skipped, with what is missing and
the command that installs it in the summary (`-ra`); in CI (`CI` set, as `.ci/run` does) it
fails, so a machine that lost a tool cannot pass by skipping."""

import os
import shutil

import pytest

from devtools.servers import postgres_binary

# tool -> (is it there?, what it is for, the command that installs it on Debian/Ubuntu)
TOOLS = {
    "chromium": (
        lambda: bool(shutil.which("chromium") or shutil.which("chromium-browser")),
        "Chromium (the docs-site browser test)",
        "apt-get install -y chromium",
    ),
    "postgres": (
        lambda: bool(postgres_binary("initdb")),
        "the PostgreSQL server (the engine and shared-registry tests)",
        "apt-get install -y postgresql",
    ),
    "java": (
        lambda: bool(shutil.which("java")),
        "Java 17+ (Spark in the engine tests)",
        "apt-get install -y openjdk-17-jre-headless",
    ),
}


def require(tool: str) -> None:
    """Skip (outside CI) or fail (in CI) the running test unless `tool` is installed."""
    present, what, install = TOOLS[tool]
    if present():
        return
    message = f"{what} is not installed: `{install}`, then run the tests again"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
