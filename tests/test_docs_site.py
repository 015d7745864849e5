"""The generated docs site draws its diagrams with no network: a real browser (headless
Chromium) opens the built architecture page from disk, with every host name unresolvable, and
the mermaid block holds a drawn SVG. The control, the same site without its copy of mermaid,
shows the diagram's source text: the theme's CDN fallback cannot load offline."""

import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from devtools.rendered import run_module
from devtools.requirements import require

pytestmark = pytest.mark.browser

BUNDLE = "javascripts/mermaid.tiny.js"
PAGE = "team/architecture/index.html"


def chromium() -> str:
    require("chromium")
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4: JSON
    messages ending in NUL), so the test needs no client library and opens no port."""

    def __init__(self, profile: Path):
        executable = chromium()
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        # The browser's ends, moved above 4 so that putting them on 3 and 4 clobbers neither.
        ends = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5) for fd in (commands_read, replies_write)]
        os.close(commands_read)
        os.close(replies_write)

        def on_fds_3_and_4():  # in the child, before exec; dup2 leaves 3 and 4 inheritable
            os.dup2(ends[0], 3)
            os.dup2(ends[1], 4)

        self._process = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-pipe",
                "--host-resolver-rules=MAP * ~NOTFOUND",  # no host resolves: no network
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            preexec_fn=on_fds_3_and_4,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for fd in ends:
            os.close(fd)
        self._next_id, self._pending, self.events = 0, b"", []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive(timeout=30)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def page(self, method: str, **params) -> dict:
        return self.call(method, self.session, **params)

    def wait_until(self, condition, timeout: float) -> bool:
        """Read the browser's events until `condition()` holds; False after `timeout` s."""
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.events.append(self._receive(timeout=left))
        return True

    def _receive(self, timeout: float) -> dict:
        while b"\0" not in self._pending:
            ready, _, _ = select.select([self._replies], [], [], timeout)
            chunk = os.read(self._replies, 1 << 20) if ready else b""
            if not chunk:
                raise TimeoutError("chromium sent nothing back")
            self._pending += chunk
        message, self._pending = self._pending.split(b"\0", 1)
        return json.loads(message)

    def close(self):
        os.close(self._commands)
        os.close(self._replies)
        self._process.kill()
        self._process.wait()


def nodes(tree: dict):
    """Every node of a DOM.getDocument tree, shadow roots (closed ones too) included."""
    yield tree
    for child in tree.get("children", []) + tree.get("shadowRoots", []):
        yield from nodes(child)


def classes(node: dict) -> list[str]:
    attributes = dict(zip(node.get("attributes", [])[::2], node["attributes"][1::2], strict=True))
    return attributes.get("class", "").split()


def drawn_nodes(document: dict) -> set[str]:
    """The flowchart node names drawn inside the page's mermaid diagrams (mermaid gives each
    drawn node an id ending in `flowchart-<name>-<n>`)."""
    drawn = set()
    for host in nodes(document):
        if host.get("localName") == "div" and "mermaid" in classes(host):
            for node in nodes(host):
                if node.get("localName") == "g" and "node" in classes(node):
                    attributes = node["attributes"]
                    identifier = attributes[attributes.index("id") + 1]
                    drawn.add(re.search(r"flowchart-(.+)-\d+$", identifier).group(1))
    return drawn


def source_text_shown(document: dict) -> bool:
    """The diagram's source (`flowchart …`) still shown as text in a `<pre>`, not drawn."""
    return any(
        "flowchart" in "".join(text.get("nodeValue", "") for text in nodes(node))
        for node in nodes(document)
        if node.get("localName") == "pre"
    )


def document(browser: Browser) -> dict:
    return browser.page("DOM.getDocument", depth=-1, pierce=True)["root"]


def open_offline(browser: Browser, page: Path) -> None:
    browser.page("Network.enable")
    browser.page("Page.enable")
    browser.page("Page.navigate", url=page.as_uri())
    assert browser.wait_until(lambda: "Page.loadEventFired" in methods(browser), 30)


def methods(browser: Browser) -> list[str]:
    return [event.get("method") for event in browser.events]


def requested(browser: Browser) -> dict[str, str]:
    """The URL of each request the page made, by request id."""
    return {
        event["params"]["requestId"]: event["params"]["request"]["url"]
        for event in browser.events
        if event.get("method") == "Network.requestWillBeSent"
    }


def failed(browser: Browser) -> list[str]:
    """The URLs of the requests that failed (unresolvable host, missing file)."""
    urls = requested(browser)
    return [
        urls.get(event["params"]["requestId"], "")
        for event in browser.events
        if event.get("method") == "Network.loadingFailed"
    ]


@pytest.fixture(scope="module")
def site(render, tmp_path_factory) -> tuple[Path, set[str]]:
    """A default project's site, built strictly; and the node names its architecture diagram
    declares (`name[label]`, `name(label)`, `name[(label)]` in the mermaid source)."""
    require("chromium")  # before building a site no browser could open
    project = render(name="docs-site")
    built = tmp_path_factory.mktemp("site")
    done = run_module(project, "mkdocs", "build", "--strict", "--site-dir", str(built))
    assert done.returncode == 0, done.stderr
    source = (project / "docs/team/architecture.md").read_text()
    diagram = re.search(r"```mermaid\n(.*?)```", source, re.DOTALL)
    assert diagram is not None
    declared = set(re.findall(r"\b(\w+)[\[(]", diagram.group(1)))
    return built, declared


@pytest.fixture
def browser(tmp_path):
    opened = Browser(tmp_path / "profile")
    yield opened
    opened.close()


def test_the_built_architecture_page_draws_its_diagram_offline(site, browser):
    built, declared = site
    assert (built / BUNDLE).is_file()

    open_offline(browser, built / PAGE)
    deadline = time.monotonic() + 30
    while not (drawn := drawn_nodes(document(browser))) and time.monotonic() < deadline:
        time.sleep(0.2)

    assert drawn == declared
    assert not source_text_shown(document(browser))
    mermaid_requests = [url for url in requested(browser).values() if "mermaid" in url]
    assert mermaid_requests == [(built / BUNDLE).as_uri()]


def test_without_the_local_bundle_the_page_shows_the_source_text(site, browser, tmp_path):
    built, _ = site
    control = tmp_path / "site-without-mermaid"
    shutil.copytree(built, control)
    (control / BUNDLE).unlink()

    open_offline(browser, control / PAGE)
    cdn_failed = browser.wait_until(
        lambda: any(url.startswith("http") and "mermaid" in url for url in failed(browser)), 30
    )

    assert cdn_failed  # the theme fell back to its CDN copy, which cannot load offline
    assert drawn_nodes(document(browser)) == set()
    assert source_text_shown(document(browser))
