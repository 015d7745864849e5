"""The process document and the team material, rendered from the role answers, and the
generated docs site built strictly."""

import re

import pytest

from devtools.rendered import run_module

EVERYONE = {
    "role_ml_product_manager": "@pm-kim",
    "role_engineering_manager": "@em-lee",
    "role_data_scientist": "@ds-park, choi@acme.example",
    "role_ml_engineer": "@acme/ml-platform",
    "role_data_engineer": "@de-jung",
    "role_devops_engineer": "@ops-han",
}
ONE_PERSON = {name: "@solo" for name in EVERYONE}

ANSWER_SETS = {
    "roles-filled-github": {**EVERYONE, "ci_provider": "github"},
    "roles-empty-gitlab": {"ci_provider": "gitlab"},
    "one-person-no-ci": {**ONE_PERSON, "ci_provider": "none"},
}


@pytest.fixture(scope="module", params=list(ANSWER_SETS))
def project(request, render):
    return request.param, render(ANSWER_SETS[request.param], name=request.param)


def test_the_docs_site_builds_strictly(project, tmp_path):
    _, root = project

    done = run_module(root, "mkdocs", "build", "--strict", "--site-dir", str(tmp_path))

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "process/index.html").is_file()


def test_the_process_document_answers_every_question_with_an_anchor(project):
    _, root = project

    text = (root / "docs/process.md").read_text()

    assert re.findall(r"\{#q(\d+)\}", text) == [str(n) for n in range(1, 35)]
    assert "```mermaid" in text


def test_codeowners_follow_the_role_answers(project):
    name, root = project
    codeowners = root / "CODEOWNERS"

    if name == "roles-empty-gitlab":
        assert not codeowners.exists()
    elif name == "one-person-no-ci":
        assert set(re.findall(r"@\S+", codeowners.read_text())) == {"@solo"}
        assert "/.github/" not in codeowners.read_text()
    else:
        text = codeowners.read_text()
        assert re.search(r"^/sql/\s+@de-jung$", text, re.M)
        assert re.search(r"^/notebooks/\s+@ds-park choi@acme.example$", text, re.M)
        assert re.search(r"^/\.github/\s+@ops-han$", text, re.M)


def test_roles_list_who_covers_each_role_and_the_gaps(project):
    name, root = project

    roles = (root / "docs/team/roles.md").read_text()

    if name == "roles-empty-gitlab":
        assert roles.count("**gap: nobody yet**") == 6
        assert "**Gaps**: ML product manager, Engineering manager" in roles
    else:
        assert "gap: nobody yet" not in roles
        assert "Every role is covered." in roles
    assert "| on-call, incidents" in roles


def test_contacts_and_runbook_name_the_channel_and_the_escalation(render):
    root = render({"team_channel": "#churn-model", "escalation_contact": "@ml-oncall"})

    assert "#churn-model" in (root / "docs/team/contacts.md").read_text()
    assert "@ml-oncall" in (root / "docs/team/runbook.md").read_text()


def test_the_process_document_passes_its_own_hook(project, monkeypatch, capsys):
    from ml_playbook.check_process_doc import main

    _, root = project
    monkeypatch.chdir(root)

    assert main(["docs/process.md"]) == 0, capsys.readouterr().out
