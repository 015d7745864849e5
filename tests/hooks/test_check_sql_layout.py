from ml_playbook.hooks.check_sql_layout import main


def test_models_in_their_layer_with_its_prefix_pass(repo, capsys):
    files = [
        repo("sql/staging/stg_customers.sql"),
        repo("sql/features/feat_customer_month.sql"),
        repo("sql/sets/set_train.sql"),
        repo("sql/tests/assert_unique.sql"),
        repo("sql/macros/pseudonymise.sql"),
        repo("src/pkg/module.py"),
    ]

    assert main(files) == 0
    assert capsys.readouterr().out == ""


def test_sql_outside_sql_is_refused_with_where_it_belongs(repo, capsys):
    assert main([repo("queries/report.sql")]) == 1
    assert "queries/report.sql: SQL belongs in one of sql/staging/" in capsys.readouterr().out


def test_sql_in_an_unknown_layer_is_refused(repo, capsys):
    assert main([repo("sql/marts/customers.sql")]) == 1
    assert "move it there" in capsys.readouterr().out


def test_a_model_without_its_layer_prefix_gets_the_new_name(repo, capsys):
    assert main([repo("sql/staging/customers.sql")]) == 1
    assert "rename it stg_customers.sql" in capsys.readouterr().out


def test_a_name_that_is_not_snake_case_is_refused(repo, capsys):
    assert main([repo("sql/sets/Set-Train.sql")]) == 1
    assert "lowercase snake_case" in capsys.readouterr().out


def test_a_backslash_is_not_a_folder_separator(repo, capsys):
    assert main([repo("sql\\staging\\stg_back.sql")]) == 1
    assert "sql\\staging\\stg_back.sql: SQL belongs in one of" in capsys.readouterr().out


def test_names_like_options_are_checked_as_files(repo, capsys):
    repo("-h")

    assert main(["-h", repo("--help.sql"), repo("-rf.sql")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == ["--help.sql", "-rf.sql"]


def test_a_name_with_a_newline_is_quoted_on_one_line(repo, capsys):
    assert main([repo("sql/staging/stg_a\nb.sql")]) == 1
    assert capsys.readouterr().out.startswith("'sql/staging/stg_a\\nb.sql': name SQL files")
