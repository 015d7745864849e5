"""What every hook shares: file names are never options, files are read safely, and what is
echoed back fits on one line."""

import os

import pytest

from ml_playbook.files import Note, NotRegular, Skip, TooLarge, clip, posix, read_text, shown
from ml_playbook.hooks._cli import parse, parser, report


def hook_parser():
    arguments = parser("a hook")
    arguments.add_argument("--max-kb", type=int, default=500)
    arguments.add_argument("--allow", action="append")
    return arguments


@pytest.mark.parametrize("name", ["-h", "--help", "-rf.py", "--help.sql", "--max-kb", "a\nb.txt"])
def test_a_file_named_like_an_option_is_a_file(repo, name):
    repo(name, "x")

    args = parse(hook_parser(), [name, "other.py"])

    assert args.filenames == [name, "other.py"]
    assert args.max_kb == 500


def test_unknown_option_like_names_are_files_even_when_missing(repo):
    args = parse(hook_parser(), ["-rf.py", "--help.sql", "-x"])

    assert args.filenames == ["-rf.py", "--help.sql", "-x"]


def test_declared_options_before_the_files_are_read(repo):
    args = parse(hook_parser(), ["--max-kb", "2", "--allow=examples", "a.csv", "--allow", "b"])

    assert (args.max_kb, args.allow) == (2, ["examples"])
    assert args.filenames == ["a.csv", "--allow", "b"]


def test_a_double_dash_ends_the_options(repo):
    args = parse(hook_parser(), ["--", "--max-kb", "x"])

    assert args.filenames == ["--max-kb", "x"]


def test_help_alone_prints_help_and_exits_0(repo, capsys):
    with pytest.raises(SystemExit) as exited:
        parse(hook_parser(), ["--help"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage:")


def test_help_alone_is_a_file_when_that_file_exists(repo):
    repo("-h", "x")

    assert parse(hook_parser(), ["-h"]).filenames == ["-h"]


def test_names_with_control_characters_are_quoted():
    assert shown("docs/a b.md") == "docs/a b.md"
    assert shown("a\nb.txt") == "'a\\nb.txt'"
    assert shown("\x1b[31mred") == "'\\x1b[31mred'"
    assert shown("") == "''"


def test_clip_escapes_and_cuts_what_is_echoed():
    assert clip("short") == "short"
    assert clip("x" * 100, 10) == "x" * 10 + "…"
    assert clip("\x1b" * 100, 10) == "\\x1b\\x1b\\x…"


def test_a_backslash_is_part_of_a_posix_name():
    assert posix("sql\\staging\\x.sql").parts == ("sql\\staging\\x.sql",)
    assert posix("./sql/staging/x.sql").parts == ("sql", "staging", "x.sql")


def test_text_with_a_byte_order_mark_is_decoded(repo):
    for encoding in ("utf-8-sig", "utf-16", "utf-32"):
        name = repo(f"{encoding}.txt", "kim@example.com\n".encode(encoding))

        assert read_text(name, 1000) == "kim@example.com\n"


def test_binary_files_read_as_none_and_other_encodings_are_named(repo):
    assert read_text(repo("b.bin", b"\x00\x01"), 1000) is None
    with pytest.raises(Skip, match="latin.txt: not UTF-8 text"):
        read_text(repo("latin.txt", "café".encode("latin-1")), 1000)


def test_a_file_over_the_limit_is_not_read(repo):
    with pytest.raises(TooLarge, match="big.txt: over 1 KB"):
        read_text(repo("big.txt", "x" * 1025), 1024)


def test_what_is_not_a_regular_file_says_what_it_is(repo, tmp_path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    expected = {
        "fifo": "a FIFO",
        "folder": "a folder",
        "zero": "a device",
        "dangling": "a dangling symlink",
        "loop": "a symlink loop",
    }

    for name, kind in expected.items():
        with pytest.raises(NotRegular, match=f"{name}: skipped, {kind}"):
            read_text(name, 1000)
    with pytest.raises(Skip, match="missing: no such file"):
        read_text("missing", 1000)


def test_notes_are_printed_but_only_problems_fail(capsys):
    assert report([Note("a: skipped, a FIFO, not a regular file.")]) == 0
    assert report([Note("a: skipped."), "b: a problem."]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "a: skipped, a FIFO, not a regular file.",
        "a: skipped.",
        "b: a problem.",
    ]


def test_a_binary_file_is_known_by_its_start_and_never_too_large(repo):
    name = repo("model.bin", b"\x00" + b"x" * 100_000)

    assert read_text(name, 1024) is None


def test_text_longer_than_a_sniff_is_read_whole(repo):
    text = "line of text\n" * 100_000

    assert read_text(repo("long.txt", text), 10 * 1024 * 1024) == text


def test_a_reader_that_stops_early_gets_no_traceback_and_the_verdict_stands(tmp_path):
    import subprocess
    import sys

    noisy = tmp_path / "notes.txt"
    noisy.write_text("".join(f"mail user{n}@example.com\n" for n in range(20_000)))  # pii: allow
    script = "from ml_playbook.hooks.check_pii import main; raise SystemExit(main())"

    done = subprocess.run(
        f"{sys.executable} -c '{script}' {noisy} | head -1; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
    )

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stdout.count("\n") == 1
