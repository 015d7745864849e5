"""Every pattern of the PII detector runs in time linear in its input (issue: the old email
pattern took > 30 s on a 1 MB minified line, 11 s on a 150 KB hex line).

Each case is a half-megabyte run of one pattern's characters (or a repeated near-miss of it),
scanned in a child process with a generous time limit per case: linear scanning takes under a
second, while a pattern that backtracks over the run takes minutes. The limit catches hangs,
not speed.
"""

import contextlib
import subprocess
import sys
import tempfile
import threading

import pytest

# Half a megabyte within 15 s catches a quadratic pattern exactly as a megabyte within 60 s
# does (twice the text, four times the time): the same check in a quarter of the time. A
# linear scan of a case takes 0.7 s at most here.
SIZE = 500_000
LIMIT_SECONDS = 15

RUNS = {
    "email local part": "a" * SIZE + "@",
    "email local chars": "a.b_c%d+e-" * (SIZE // 10),
    "hex digits": "0123456789abcdef" * (SIZE // 16),
    "decimal digits": "7" * SIZE,
    "digits and spaces": "1 " * (SIZE // 2),
    "digits and dashes": "12-" * (SIZE // 3),
    "dotted digits": "1." * (SIZE // 2),
    "plus and digits": "+1 " * (SIZE // 3),
    "parentheses": "(02)" * (SIZE // 4),
    "unbalanced parentheses": "02)" * (SIZE // 3),
    "colons": ":" * SIZE,
    "hex and colons": "ab:" * (SIZE // 3),
    "at signs and dots": "a@b." * (SIZE // 4),
    "domain labels": "x@" + "b." * (SIZE // 2),
    "IBAN-like": "DE89" * (SIZE // 4),
    "IBAN-like groups": "DE89 " * (SIZE // 5),
    "Hangul and digits": "가1" * (SIZE // 2),
    "full-width digits": "１" * SIZE,
    "en dashes and digits": "1–" * (SIZE // 2),
    "near-miss phones": "010-1234-56 " * (SIZE // 12),
    "real phones": "010-1234-5678 " * (SIZE // 14),
    "near-miss cards": "4111 1111 1111 111 " * (SIZE // 19),
    "near-miss registration numbers": "900101-123456 " * (SIZE // 14),
    "dotted quads": "1.2.3.4." * (SIZE // 8),
    "Hangul local part": "가" * SIZE + "@",
    "Hangul local chars and dots": "가.나_" * (SIZE // 4) + "@a.com",
    "CJK glued before an address": "名" * SIZE + "a@b.com",
    "punycode labels": "x@" + "xn--a-" * (SIZE // 6),
    "phone words glued on": "Tel010-" * (SIZE // 7),
    "letters before digits": "l0" * (SIZE // 2),
    "country codes without plus": "82-" * (SIZE // 3),
    "minus signs and digits": "-1" * (SIZE // 2),
    "negative numbers": "-2147483648 " * (SIZE // 12),
    "epoch milliseconds": "1609117397703 " * (SIZE // 14),
    # issue 26: RFC 5322 specials in local parts, quoted local parts, percent-escapes,
    # UnionPay groupings, table headers looked up above rows, labels before numbers
    "local part specials": "a'b=c#d!e/f?g{h|i}j~k&" * (SIZE // 22) + "@",
    "quote runs": '"' * SIZE + "@x.com",
    "percent escapes, whole and broken": "%40%2B%20%E%4%%ZZ%C3" * (SIZE // 20),
    "character references and form values": "&#x27;&amp;&#9;&#;?k=1+2&" * (SIZE // 25),
    "question marks": "?" * SIZE,
    "six-digit groups": "622126 " * (SIZE // 7),
    "CSV rows under a header": "name,ssn\n" + "Kim,123 45 678\n" * (SIZE // 15),
    "one long CSV row": "name,ssn\n" + "1,123 45 678," * (SIZE // 13),
    "HTML cells": "<tr><th>ssn</th></tr>" + "<td>123 45 678</td>" * (SIZE // 19),
    "labels before numbers": "거래번호 9001011234568 " * (SIZE // 20),
    "IBAN heads before groups": "DE89 3704 " * (SIZE // 10),
    "HTML header cells never closed": "<th " * (SIZE // 4) + "<tr <td 123 45 6789",
}

# One child process scans every case, one at a time, each within LIMIT_SECONDS: a case
# that runs over is killed with the child (the next case starts a new one), so a hang fails
# its case instead of freezing the suite. One child instead of one per case saves starting
# Python and importing the scanner 48 times (~0.3 s each, as long as most scans take).
WORKER = """
import sys
from ml_playbook.governance import pii
SCANS = {"find": pii.find, "find_lines": pii.find_lines}
requests, replies = sys.stdin.buffer, sys.stdout
for header in requests:
    scan, size = header.split()
    text = requests.read(int(size)).decode("utf-8")
    pii.clear_caches()  # each case starts as cold as in a process of its own
    replies.write(str(sum(1 for _ in SCANS[scan.decode()](text))) + "\\n")
    replies.flush()
"""


class ScanWorker:
    """The child process that scans the cases; started on first use and after a failure."""

    def __init__(self, errors) -> None:
        self.process: subprocess.Popen | None = None
        self.errors = errors  # the child's stderr: a file, as a full pipe would hang it

    def count(self, scan: str, text: str) -> int:
        """How many findings `pii.<scan>` makes in `text`, in the child; fails the test if
        the scan takes longer than LIMIT_SECONDS (a super-linear pattern takes minutes)."""
        if self.process is None:
            self.errors.seek(0)
            self.errors.truncate()
            self.process = subprocess.Popen(
                [sys.executable, "-c", WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.errors,
            )
        process, data, reply = self.process, text.encode("utf-8"), []

        def ask() -> None:
            try:
                process.stdin.write(f"{scan} {len(data)}\n".encode() + data)
                process.stdin.flush()
            except BrokenPipeError:
                return  # the child died: its stderr says why
            reply.append(process.stdout.readline())

        asking = threading.Thread(target=ask, daemon=True)
        asking.start()
        asking.join(LIMIT_SECONDS)
        hung = asking.is_alive()
        if hung or not reply or not reply[0].strip():
            process.kill()  # ends the child's scan and the wait for its reply
            asking.join()
            self.stop()
            if hung:
                pytest.fail(f"the scan took longer than {LIMIT_SECONDS} s")
            self.errors.seek(0)
            pytest.fail("the scanning child died: " + self.errors.read().decode("utf-8", "replace"))
        return int(reply[0])

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            with contextlib.suppress(BrokenPipeError):  # a request the child never read
                self.process.stdin.close()
            self.process.stdout.close()
            self.process = None


@pytest.fixture(scope="module")
def worker():
    with tempfile.TemporaryFile() as errors:
        scans = ScanWorker(errors)
        yield scans
        scans.stop()


@pytest.mark.parametrize("name", RUNS)
def test_a_long_run_is_scanned_in_linear_time(name, worker):
    # given half a megabyte of one pattern's characters
    text = RUNS[name]
    assert len(text) >= SIZE * 0.9

    # when the detector scans it in a child process
    found = worker.count("find", text)

    # then it finishes (in time: the worker fails the test otherwise) and finds what a run holds
    assert found == (SIZE // 14 if name == "real phones" else 0)


# Files read line by line (the hook, `data scan` of a text file): every row is read under its
# header line, so a long header must be read once, not once per row.
LINES = {
    "HTML rows under a long header": "<tr>"
    + "<th>c</th>" * (SIZE // 10)
    + "</tr>\n"
    + "<tr><td>1</td></tr>\n" * (SIZE // 20),
    "CSV rows under a long header": "c," * (SIZE // 2) + "\n" + "1,2\n" * (SIZE // 4),
}


@pytest.mark.parametrize("name", LINES)
def test_rows_under_a_long_header_are_read_in_linear_time(name, worker):
    # given a long header line and as much of rows under it
    text = LINES[name]

    # when the file is scanned line by line in a child process
    found = worker.count("find_lines", text)

    # then it finishes in time and finds nothing
    assert found == 0


def test_a_case_over_the_limit_fails_and_the_next_case_gets_a_new_child(monkeypatch):
    # given a time limit no scan of a long run can meet
    monkeypatch.setattr(sys.modules[__name__], "LIMIT_SECONDS", 0.01)
    with tempfile.TemporaryFile() as errors:
        scans = ScanWorker(errors)

        # when a case runs over it, then the case fails at the limit and its child is ended
        with pytest.raises(pytest.fail.Exception, match="took longer than 0.01 s"):
            scans.count("find", RUNS["parentheses"])
        assert scans.process is None

        # and the next case is scanned by a new child
        monkeypatch.undo()  # the suite's own limit again
        assert scans.count("find", "call 010-1234-5678") == 1
        scans.stop()
