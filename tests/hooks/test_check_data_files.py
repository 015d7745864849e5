import os

from ml_playbook.hooks.check_data_files import main


def test_docs_dvc_pointers_records_and_small_samples_pass(repo):
    files = [
        repo("data/README.md", "# data"),
        repo("data/raw.dvc", "outs: []"),
        repo("data/sources/customers.yml", "name: customers"),
        repo("data/samples/customers.csv", "id\n1\n"),
        repo("tests/fixtures/tiny.parquet", b"PAR1"),
        repo("src/pkg/config.json", "{}"),
    ]

    assert main(files) == 0


def test_a_csv_under_data_is_refused_with_the_dvc_command(repo, capsys):
    assert main([repo("data/raw/customers.csv", "id\n1\n")]) == 1
    assert "`uv run dvc add data/raw/customers.csv`" in capsys.readouterr().out


def test_a_data_file_anywhere_is_refused(repo, capsys):
    assert main([repo("analysis/export.parquet", b"PAR1")]) == 1
    assert "data goes through DVC" in capsys.readouterr().out


def test_any_other_file_under_data_is_refused(repo, capsys):
    assert main([repo("data/interim/notes.txt", "x")]) == 1
    assert "data/interim/notes.txt" in capsys.readouterr().out


def test_a_sample_over_the_limit_names_its_size_and_the_limit(repo, capsys):
    big = repo("data/samples/big.csv", "x" * 3000)

    assert main(["--max-kb", "2", big]) == 1
    assert "data/samples/big.csv (3 KB) exceeds the 2 KB limit" in capsys.readouterr().out


def test_allowed_folders_are_an_option(repo):
    assert main(["--allow", "examples", repo("examples/tiny.csv", "a\n")]) == 0


def test_a_file_named_like_an_option_neither_silences_nor_configures_the_hook(repo, capsys):
    repo("-h")
    repo("--allow")

    assert main(["-h", "--allow", repo("data/raw/customers.csv", "id\n1\n")]) == 1
    assert "data/raw/customers.csv: data goes through DVC" in capsys.readouterr().out


def test_a_name_is_quoted_for_the_shell_in_the_suggested_command(repo, capsys):
    assert main([repo("data/raw/my data;rm -rf.csv", "x")]) == 1
    assert "`uv run dvc add 'data/raw/my data;rm -rf.csv'`" in capsys.readouterr().out


def test_a_fifo_among_the_samples_is_not_read(repo, tmp_path):
    (tmp_path / "data/samples").mkdir(parents=True)
    os.mkfifo(tmp_path / "data/samples/pipe.csv")
    (tmp_path / "data/samples/zero.csv").symlink_to("/dev/zero")

    assert main(["--max-kb", "1", "data/samples/pipe.csv", "data/samples/zero.csv"]) == 0
