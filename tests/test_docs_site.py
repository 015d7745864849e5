"""The generated docs site draws its diagrams legibly with no network: a real browser (headless
Chromium, a 1280 px wide window) opens each built page with a diagram from disk, with every host
name unresolvable; every node its mermaid blocks declare is drawn, and every label is drawn at
least 10 px high (a long left-to-right chart squeezed into the content column is not). The
control, the same site without its copy of mermaid, shows the diagram's source text: the
theme's CDN fallback cannot load offline."""

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
# The pages with diagrams: the source in docs/ and the built page.
DIAGRAM_PAGES = {
    "docs/process.md": "process/index.html",
    "docs/team/architecture.md": "team/architecture/index.html",
}
WINDOW_WIDTH = 1280  # px: a laptop's browser window
MIN_LABEL_HEIGHT = 10.0  # px: below this a label cannot be read without zooming
LABEL_CLASSES = {"nodeLabel", "edgeLabel"}  # what mermaid's flowchart labels its text with


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


def text_of(node: dict) -> str:
    return "".join(
        child.get("nodeValue", "") for child in nodes(node) if child.get("nodeType") == 3
    )


def label_heights(browser: Browser, document: dict) -> dict[str, float]:
    """The drawn height (px, as on screen) of each non-empty label of the page's diagrams."""
    heights = {}
    for host in nodes(document):
        if host.get("localName") == "div" and "mermaid" in classes(host):
            for node in nodes(host):
                text = text_of(node).strip()
                if node.get("nodeType") == 1 and LABEL_CLASSES & set(classes(node)) and text:
                    quad = browser.page("DOM.getBoxModel", nodeId=node["nodeId"])["model"]
                    top, bottom = quad["content"][1], quad["content"][5]
                    heights[text] = min(heights.get(text, bottom - top), bottom - top)
    return heights


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
def site(render, tmp_path_factory) -> tuple[Path, dict[str, set[str]]]:
    """A default project's site, built strictly; and, for each built page with diagrams, the
    node names its mermaid blocks declare (`name[label]`, `name(label)`, `name[(label)]`)."""
    require("chromium")  # before building a site no browser could open
    project = render(name="docs-site")
    built = tmp_path_factory.mktemp("site")
    done = run_module(project, "mkdocs", "build", "--strict", "--site-dir", str(built))
    assert done.returncode == 0, done.stderr
    declared = {}
    for source, page in DIAGRAM_PAGES.items():
        diagrams = re.findall(r"```mermaid\n(.*?)```", (project / source).read_text(), re.DOTALL)
        assert diagrams, f"{source} has no diagram"
        declared[page] = {
            name for diagram in diagrams for name in re.findall(r"\b(\w+)[\[(]", diagram)
        }
    return built, declared


@pytest.fixture
def browser(tmp_path):
    opened = Browser(tmp_path / "profile")
    yield opened
    opened.close()


@pytest.mark.parametrize("page", DIAGRAM_PAGES.values())
def test_each_page_draws_its_diagrams_offline_and_legibly_at_1280_px(site, browser, page):
    built, declared = site
    assert (built / BUNDLE).is_file()
    browser.page(
        "Emulation.setDeviceMetricsOverride",
        width=WINDOW_WIDTH,
        height=900,
        deviceScaleFactor=1,
        mobile=False,
    )

    open_offline(browser, built / page)
    deadline = time.monotonic() + 30
    while (drawn := drawn_nodes(document(browser))) != declared[
        page
    ] and time.monotonic() < deadline:
        time.sleep(0.2)
    heights = label_heights(browser, document(browser))

    assert drawn == declared[page]
    assert not source_text_shown(document(browser))
    mermaid_requests = [url for url in requested(browser).values() if "mermaid" in url]
    assert mermaid_requests == [(built / BUNDLE).as_uri()]
    assert len(heights) >= len(declared[page])  # every node's label, and the edges' too
    small = {
        text: round(height, 1) for text, height in heights.items() if height < MIN_LABEL_HEIGHT
    }
    assert small == {}, f"{page}: labels drawn under {MIN_LABEL_HEIGHT} px at {WINDOW_WIDTH} px"


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
