from ml_playbook.check_sql_in_python import main

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
