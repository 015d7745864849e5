import json

from ml_playbook.check_notebooks import main


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
