import os

from ml_playbook.hooks.check_update_leftovers import main


def test_clean_files_pass_including_markdown_underlines(repo):
    files = [
        repo("README.md", "Title\n=======\n\ntext\n"),
        repo("src/pkg/a.py", "x = 1\n"),
        repo("data.bin", b"\x00\x01<<<<<<<\x02"),
    ]

    assert main(files) == 0


def test_a_conflict_marker_is_refused_with_its_line(repo, capsys):
    conflicted = repo(
        "pyproject.toml",
        'name = "x"\n<<<<<<< before updating\na = 1\n=======\na = 2\n>>>>>>> after updating\n',
    )

    assert main([conflicted]) == 1
    out = capsys.readouterr().out
    assert "pyproject.toml:2: conflict marker <<<<<<<" in out
    assert "pyproject.toml:6: conflict marker >>>>>>>" in out


def test_a_rej_file_is_refused_with_what_to_do(repo, capsys):
    assert main([repo("Makefile.rej", "@@ -1 +1 @@\n")]) == 1
    assert "merge it by hand" in capsys.readouterr().out


def test_a_marker_inside_a_very_long_line_is_not_a_line_start(repo, capsys):
    long_line = "x" * (200 * 1024) + "<<<<<<< not a marker\n"
    conflicted = repo("notes.txt", long_line + ">>>>>>> theirs\n")

    assert main([conflicted]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "notes.txt:2: conflict marker >>>>>>>; resolve the conflict and remove the markers."
    ]


def test_what_is_not_a_file_is_noted_and_passes(repo, tmp_path, capsys):
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")

    assert main(["fifo.txt", "zero.txt", "loop.txt"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "fifo.txt: skipped, a FIFO, not a regular file.",
        "zero.txt: skipped, a device, not a regular file.",
        "loop.txt: skipped, a symlink loop.",
    ]


def test_a_name_with_a_newline_stays_on_one_line(repo, capsys):
    assert main([repo("a\nb.rej", "@@")]) == 1
    assert capsys.readouterr().out.startswith("'a\\nb.rej': a hunk")


def test_a_marker_at_the_end_of_a_large_file_is_found_with_its_line(repo, capsys):
    large = repo("large.txt", "text\n" * 500_000 + ">>>>>>> theirs\n")

    assert main([large]) == 1
    assert capsys.readouterr().out.startswith("large.txt:500001: conflict marker >>>>>>>")
