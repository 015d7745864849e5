import pytest

from ml_playbook.hooks.check_sql_in_python import main

LONG_QUERY = '''
QUERY = """
select
    customer_id,
    sum(spend) as spend
from activity
where month_index > 3
group by customer_id
"""
'''


def test_short_queries_and_other_strings_pass(repo):
    module = repo(
        "pkg/ok.py",
        'COUNT = "select count(*) from t"\n'
        'DOC = """Select the best model.\\n\\nIt is chosen from\\nmany\\nmany\\nmany\\ncandidates."""\n',
    )

    assert main([module]) == 0


def test_a_long_sql_string_is_refused_with_its_line(repo, capsys):
    module = repo("pkg/queries.py", LONG_QUERY)

    assert main([module]) == 1
    assert "pkg/queries.py:2: a 6-line SQL string; move it to sql/" in capsys.readouterr().out


def test_the_limit_is_an_option(repo):
    assert main(["--max-lines", "10", repo("pkg/queries.py", LONG_QUERY)]) == 0


def test_broken_python_is_left_to_ruff(repo):
    assert main([repo("pkg/broken.py", "def (:\n")]) == 0


def test_what_is_not_a_file_is_noted_and_a_missing_path_is_named(repo, tmp_path, capsys):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/folder.py").mkdir()
    (tmp_path / "pkg/dangling.py").symlink_to(tmp_path / "nowhere.py")

    assert main(["pkg/folder.py", "pkg/dangling.py"]) == 0
    assert main(["pkg/missing.py"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "pkg/folder.py: skipped, a folder, not a regular file.",
        "pkg/dangling.py: skipped, a dangling symlink.",
        "pkg/missing.py: no such file.",
    ]


@pytest.mark.parametrize(
    "source", ["x = " + "-" * 200_000 + "1\n", "x = " + "not " * 100_000 + "1\n"]
)
def test_python_too_deep_to_parse_is_a_one_line_error(repo, capsys, source):
    assert main([repo("pkg/deep.py", source)]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("pkg/deep.py: nests too deeply for Python to parse")


def test_a_module_with_a_coding_declaration_is_still_checked(repo, capsys):
    module = repo(
        "pkg/legacy.py", ("# -*- coding: latin-1 -*-\n# café\n" + LONG_QUERY).encode("latin-1")
    )

    assert main([module]) == 1
    assert "pkg/legacy.py:4: a 6-line SQL string" in capsys.readouterr().out


def test_a_module_over_5_mb_is_generated_code_noted_and_passed(repo, capsys):
    module = repo("pkg/generated.py", "X = 1\n" * (1024 * 1024))

    assert main([module]) == 0
    assert capsys.readouterr().out == "pkg/generated.py: over 5 MB, too large to check.\n"


def test_warnings_from_the_parser_are_left_to_ruff(repo, capfd):
    assert main([repo("pkg/escapes.py", 'PATTERN = "\\d+"\n')]) == 0
    assert capfd.readouterr().err == ""
