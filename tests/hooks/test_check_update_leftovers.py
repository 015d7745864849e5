from ml_playbook.check_update_leftovers import main


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
