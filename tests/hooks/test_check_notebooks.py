import json

import pytest

from ml_playbook.hooks.check_notebooks import main


def notebook(outputs: bool) -> str:
    cell = {
        "cell_type": "code",
        "source": ["1 + 1"],
        "metadata": {},
        "outputs": [{"output_type": "execute_result", "data": {"text/plain": ["2"]}}]
        if outputs
        else [],
        "execution_count": 1 if outputs else None,
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_a_clean_well_named_notebook_passes(repo):
    assert main([repo("notebooks/01-jd-churn-by-tenure.ipynb", notebook(outputs=False))]) == 0


def test_outputs_are_refused_with_the_fix(repo, capsys):
    assert main([repo("notebooks/02-jd-explore.ipynb", notebook(outputs=True))]) == 1
    out = capsys.readouterr().out
    assert "1 cell(s) keep outputs" in out
    assert "uv run nbstripout" in out


def test_a_notebook_outside_notebooks_is_refused(repo, capsys):
    assert main([repo("src/03-jd-scratch.ipynb", notebook(outputs=False))]) == 1
    assert "notebooks belong in notebooks/" in capsys.readouterr().out


def test_a_badly_named_notebook_is_refused(repo, capsys):
    assert main([repo("notebooks/Untitled1.ipynb", notebook(outputs=False))]) == 1
    assert "<number>-<initials>-<topic>.ipynb" in capsys.readouterr().out


def test_invalid_json_is_a_one_line_error(repo, capsys):
    assert main([repo("notebooks/04-jd-broken.ipynb", "{not json")]) == 1
    assert capsys.readouterr().out.count("\n") == 1


@pytest.mark.parametrize(
    "content",
    ['{"cells": "abc"}', "null", "[1, 2]", '{"a": 1}', '{"cells": [1]}', "[" * 100_000, "1e999999"],
)
def test_json_that_is_not_a_notebook_is_a_one_line_error(repo, capsys, content):
    assert main([repo("notebooks/05-jd-odd.ipynb", content)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("notebooks/05-jd-odd.ipynb: not a")


def test_a_missing_path_and_a_folder_are_named_for_what_they_are(repo, tmp_path, capsys):
    (tmp_path / "notebooks/06-jd-folder.ipynb").mkdir(parents=True)

    assert main(["notebooks/06-jd-folder.ipynb"]) == 0
    assert main(["notebooks/07-jd-missing.ipynb"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "notebooks/06-jd-folder.ipynb: skipped, a folder, not a regular file.",
        "notebooks/07-jd-missing.ipynb: no such file.",
    ]


def test_a_notebook_saved_with_a_byte_order_mark_is_read(repo):
    clean = notebook(outputs=False).encode("utf-8-sig")

    assert main([repo("notebooks/08-jd-bom.ipynb", clean)]) == 0
    assert (
        main([repo("notebooks/09-jd-bom.ipynb", notebook(outputs=True).encode("utf-8-sig"))]) == 1
    )


def test_a_file_named_like_help_is_checked_not_obeyed(repo, capsys):
    repo("-h", "x")

    assert main(["-h", repo("notebooks/10-jd-x.ipynb", notebook(outputs=True))]) == 1
    assert "keep outputs" in capsys.readouterr().out


def test_a_notebook_over_10_mb_is_refused_with_the_fix(repo, capsys):
    big = repo("notebooks/11-jd-big.ipynb", " " * (10 * 1024 * 1024 + 1))

    assert main([big]) == 1
    assert capsys.readouterr().out == (
        "notebooks/11-jd-big.ipynb: over 10 MB, too large to check. Notebooks this large keep "
        "outputs: `uv run nbstripout notebooks/11-jd-big.ipynb`.\n"
    )
