import codecs
import os

import pytest

from ml_playbook.hooks.check_pii import main


def test_clean_text_passes(repo):
    assert main([repo("src/pkg/a.py", "TOKEN_COLUMN = 'email_token'\nversion = '1.2.3.4'\n")]) == 0


def test_personal_data_is_refused_masked_with_its_line(repo, capsys):
    sample = repo("data/samples/people.csv", "id,email\n1,kim.minsu@example.co.kr\n")

    assert main([sample]) == 1
    out = capsys.readouterr().out
    assert "data/samples/people.csv:2: email address k***@example.co.kr" in out
    assert "kim.minsu" not in out


def test_a_korean_registration_number_in_sql_is_refused(repo, capsys):
    query = repo("sql/tests/assert_x.sql", "select * from t where rrn = '900101-1234567'\n")

    assert main([query]) == 1
    assert "Korean resident registration number" in capsys.readouterr().out


def test_a_spaced_ssn_under_its_column_and_an_encoded_address_are_refused(repo, capsys):
    # given a CSV sample whose header names the column, and an access log with an address
    # percent-encoded in its query string
    sample = repo("data/samples/staff.csv", "id,name,ssn\n1,Kim,123 45 6789\n")
    log = repo("logs/access.log", "GET /v1/users?email=kim%40example.com HTTP/1.1 200\n")

    assert main([sample, log]) == 1
    out = capsys.readouterr().out
    assert "data/samples/staff.csv:2: US social security number" in out
    assert "logs/access.log:1: email address k***@example.com" in out


def test_the_inline_marker_silences_a_true_negative(repo):
    doc = repo("docs/example.md", "Write to support@example.com  <!-- pii: allow -->\n")

    assert main([doc]) == 0


def test_the_allowlist_file_silences_listed_values(repo):
    repo(".pii-allowlist", "# team address\nml-team@example.com\n")

    assert main([repo("pyproject.toml", 'email = "ml-team@example.com"\n')]) == 0


def test_binary_files_are_skipped_and_non_utf8_text_is_named(repo, capsys):
    assert main([repo("model.bin", b"\x00\x01kim@example.com")]) == 0
    assert main([repo("notes.txt", b"caf\xe9 kim@example.com")]) == 1
    assert "notes.txt: not UTF-8 text" in capsys.readouterr().out


def test_a_huge_file_is_refused_with_what_to_do(repo, capsys):
    assert main([repo("dump.txt", "x" * (5 * 1024 * 1024 + 10))]) == 1
    out = capsys.readouterr().out
    assert "dump.txt: over 5 MB, too large to check" in out
    assert "`uv run dvc add dump.txt`" in out


def test_an_empty_file_passes(repo):
    assert main([repo("empty.txt", "")]) == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_scanned(repo, capsys, encoding):
    text = "call 010-1234-5678 or kim.minsu@example.co.kr\n".encode(encoding)
    if encoding == "utf-16-be":
        text = codecs.BOM_UTF16_BE + text

    assert main([repo("notes.txt", text)]) == 1
    out = capsys.readouterr().out
    assert "notes.txt:1: email address" in out
    assert "notes.txt:1: phone number" in out


def test_what_is_not_a_file_is_noted_and_passes(repo, tmp_path, capsys):
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")

    assert main(["fifo.txt", "zero.txt"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "fifo.txt: skipped, a FIFO, not a regular file.",
        "zero.txt: skipped, a device, not a regular file.",
    ]


def test_an_allowlist_that_is_not_a_file_is_named_and_fails(repo, tmp_path, capsys):
    os.mkfifo(tmp_path / ".pii-allowlist")

    assert main([repo("a.txt", "nothing personal\n")]) == 1
    assert capsys.readouterr().out == (
        ".pii-allowlist: the allowlist is not a regular file; make it a text file of values.\n"
    )


def test_a_file_named_help_does_not_silence_a_finding(repo, capsys):
    repo("-h", "")
    repo("--help", "")

    assert main(["--help", "-h", repo("note.txt", "kim.minsu@example.com\n")]) == 1
    assert "note.txt:1: email address" in capsys.readouterr().out


def test_a_found_value_is_echoed_masked_and_cut(repo, capsys):
    assert main([repo("note.txt", "kim@" + ("a" * 60 + ".") * 3 + "example.com\n")]) == 1
    out = capsys.readouterr().out
    assert out.startswith("note.txt:1: email address k***@aaa") and "…;" in out
    assert len(out) < 300


def test_minified_code_with_integer_limits_and_epoch_times_passes(repo):
    # given a bundled script: int32 limits after "Number", decimal fractions, epoch milliseconds
    bundle = repo(
        "docs/javascripts/app.min.js",
        "if(t<-2147483648||t>2147483647)throw Number -2147483648;"
        "var e=(t+.055)/1.055,s=1609117397703,u=2012268295366;\n",
    )

    # when the hook checks it, then nothing is reported
    assert main([bundle]) == 0


def test_korean_notes_with_glued_and_country_code_phones_are_refused(repo, capsys):
    # given notes with a phone word glued on, a country code without +, a Hangul e-mail
    notes = repo(
        "notes/contacts.md", "HP010-2345-6789\n연락처 82-10-9876-5432\n메일 홍길동@example.com\n"
    )

    # when the hook checks it, then each line is reported with its kind, masked
    assert main([notes]) == 1
    out = capsys.readouterr().out
    assert "notes/contacts.md:1: phone number" in out
    assert "notes/contacts.md:2: phone number" in out
    assert "notes/contacts.md:3: email address 홍***@example.com" in out
    assert "2345-6789" not in out
