"""A tiny HTTP server on loopback, in a thread, for the checks that call a service (`release
verify`) or a webhook (the monitor's alert): it records each POSTed JSON body and answers
with `answer(path, body)` (body None for a GET)."""

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def loopback(answer: Callable | None = None) -> Iterator[tuple[str, list]]:
    """(base URL, the POSTed bodies received so far) while the server runs."""
    received: list = []

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, payload) -> None:
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            self._reply(answer(self.path, None) if answer else {})

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append(body)
            self._reply(answer(self.path, body) if answer else {})

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll: shutdown() waits for the loop to look (0.5 s by default).
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
