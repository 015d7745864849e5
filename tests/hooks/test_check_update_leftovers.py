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


# The template pins (issue 27, defect 7): `pre-commit autoupdate` moves one alone.
ANSWERS = "_commit: v1.1.0\n_src_path: https://git.example.com/ml/ml-playbook.git\n"
PYPROJECT = (
    '[project]\nname = "churn"\n\n[tool.uv.sources]\n'
    'ml-playbook = { git = "https://git.example.com/ml/ml-playbook.git", rev = "{rev}" }\n'
)
HOOKS = (
    "repos:\n  - repo: local\n    hooks:\n      - id: ruff-check\n"
    "  - repo: https://git.example.com/ml/ml-playbook.git\n    rev: {rev}\n"
    "    hooks:\n      - id: check-sql-layout\n      - id: check-update-leftovers\n"
)


def project(repo, answers=ANSWERS, library="v1.1.0", hooks="v1.1.0") -> list[str]:
    return [
        repo(".copier-answers.yml", answers),
        repo("pyproject.toml", PYPROJECT.replace("{rev}", library)),
        repo(".pre-commit-config.yaml", HOOKS.replace("{rev}", hooks)),
    ]


def test_pins_that_name_the_release_pass(repo):
    assert main(project(repo)) == 0


def test_a_hooks_rev_moved_alone_is_refused_with_the_repair(repo, capsys):
    files = project(repo, hooks="v1.2.0")

    assert main([files[2]]) == 1
    assert capsys.readouterr().out.splitlines() == [
        ".pre-commit-config.yaml: rev v1.2.0 is not the template release this project is on "
        "(.copier-answers.yml: _commit v1.1.0); the pins move together (`pre-commit autoupdate` "
        "moves one alone): set it back to v1.1.0, then "
        "`uvx copier update --defaults --vcs-ref v1.2.0`."
    ]


def test_the_library_pin_moved_alone_is_refused(repo, capsys):
    project(repo, library="v1.0.0")

    assert main(["pyproject.toml"]) == 1
    assert capsys.readouterr().out.startswith(
        "pyproject.toml: the ml-playbook source's rev v1.0.0 is not the template release"
    )


def test_both_pins_edited_by_hand_name_the_answers_file(repo, capsys):
    project(repo, library="v1.2.0", hooks="v1.2.0")

    assert main([".copier-answers.yml"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(".copier-answers.yml: _commit v1.1.0 is not the release both pins name")
    assert "`uvx copier update --defaults --vcs-ref v1.2.0`" in out


def test_a_commit_past_a_tag_is_pinned_by_its_full_hash(repo, capsys):
    full = "abc1234" + "0" * 33
    answers = ANSWERS.replace("v1.1.0", "v1.1.0-3-gabc1234")
    project(repo, answers=answers, library=full, hooks="v1.1.0")

    assert main(["pyproject.toml"]) == 1
    assert f"set it back to {full}" in capsys.readouterr().out


def test_pins_are_not_read_when_no_pin_file_is_checked(repo):
    project(repo, hooks="v1.2.0")

    assert main([repo("README.md", "text\n")]) == 0


def test_a_conflicted_pin_file_reports_its_markers_not_a_parse_error(repo, capsys):
    project(repo)
    conflicted = PYPROJECT.replace("{rev}", "v1.1.0") + "<<<<<<< before updating\nx = 1\n"

    assert main([repo("pyproject.toml", conflicted)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "pyproject.toml:6: conflict marker <<<<<<<; resolve the conflict and remove the markers."
    ]
