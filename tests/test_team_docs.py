"""The process document and the team material, rendered from the role answers, and the
generated docs site built strictly."""

import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml
from copier import run_copy

from devtools.rendered import run_module

pytestmark = pytest.mark.render

EVERYONE = {
    "role_ml_product_manager": "@pm-kim",
    "role_engineering_manager": "@em-lee",
    "role_data_scientist": "@ds-park, choi@acme.example",
    "role_ml_engineer": "@acme/ml-platform",
    "role_data_engineer": "@de-jung",
    "role_devops_engineer": "@ops-han",
}
ONE_PERSON = {name: "@solo" for name in EVERYONE}
# No engineering manager and no ML engineer: the stand-in is the first covered role in order.
PARTIAL = {"role_data_scientist": "@ds-park", "role_devops_engineer": "@ops-han"}

ANSWER_SETS = {
    "roles-filled-github": {
        **EVERYONE,
        "ci_provider": "github",
        "escalation_contact": "@ml-oncall",
    },
    "roles-empty-gitlab": {"ci_provider": "gitlab"},
    # One person in every role, and the regression example: the pages follow the task too.
    "one-person-regression-no-ci": {**ONE_PERSON, "ci_provider": "none", "ml_task": "regression"},
    "partial-roles-github": {**PARTIAL, "ci_provider": "github"},
}
TITLES = {
    "role_engineering_manager": "engineering manager",
    "role_ml_product_manager": "ML product manager",
    "role_ml_engineer": "ML engineer",
    "role_devops_engineer": "DevOps engineer",
    "role_data_engineer": "data engineer",
    "role_data_scientist": "data scientist",
}  # in the order a stand-in for an uncovered role is chosen
ROLE_BY_TITLE = {title: role for role, title in TITLES.items()}
# "the data engineer (@de-jung)": wherever a role is named with handles, they must be its own.
NAMED_ROLE = re.compile(r"\b[Tt]he (" + "|".join(TITLES.values()) + r") \(([^)]*)\)")
# q30 also keeps the older `#new-pipeline` anchor.
QUESTION_HEADING = re.compile(
    r'^### <a id="q(\d+)" name="q\1"></a>(?:<a id="[a-z-]+" name="[a-z-]+"></a>)?(\d+)\. ', re.M
)


def answers(root):
    return yaml.safe_load((root / ".copier-answers.yml").read_text())


def answer(root, number):
    """The text under question `number`'s heading in docs/process.md."""
    text = (root / "docs/process.md").read_text()
    return text.split(f'<a id="q{number}"', 1)[1].split("\n### ", 1)[0]


def team_pages(root):
    return {
        path.relative_to(root).as_posix(): path.read_text()
        for path in [root / "docs/process.md", *sorted((root / "docs/team").glob("*.md"))]
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

    headings = QUESTION_HEADING.findall(text)
    assert [anchor for anchor, _ in headings] == [str(n) for n in range(1, 35)]
    assert all(anchor == number for anchor, number in headings)
    assert "```mermaid" in text


def test_no_page_uses_an_attribute_list_anchor_github_and_gitlab_would_show(project):
    _, root = project

    pages = sorted((root / "docs").rglob("*.md"))

    assert pages
    assert [page.name for page in pages if re.search(r"\{:? ?#[\w-]+\}", page.read_text())] == []


def test_every_role_named_with_handles_is_named_with_its_own(project):
    _, root = project
    given = answers(root)

    named = [
        (page, title, handles)
        for page, text in team_pages(root).items()
        for title, handles in NAMED_ROLE.findall(text)
    ]

    for page, title, handles in named:
        assert handles, f"{page}: the {title} is named with nobody"
        assert handles == given[ROLE_BY_TITLE[title]], f"{page}: the {title} ({handles})"


def test_a_gap_is_always_handed_to_a_covered_role_or_the_team_channel(project):
    name, root = project
    given = answers(root)
    covered = [title for role, title in TITLES.items() if given[role]]
    expected = f"the {covered[0]} ({given[ROLE_BY_TITLE[covered[0]]]})" if covered else "ml-team"

    handed = [
        line
        for text in team_pages(root).values()
        for line in text.splitlines()
        if "gap: ask" in line or "standing in" in line or "stands in" in line
    ]

    if len(covered) == len(TITLES):
        assert handed == []
    else:
        assert handed, name
        assert all(expected in line for line in handed), handed


def test_whoever_takes_a_page_is_named_in_q28_q34_and_the_runbook(project):
    _, root = project
    given = answers(root)
    rota = [given[role] for role in ("role_ml_engineer", "role_devops_engineer") if given[role]]
    covered = [given[role] for role in TITLES if given[role]]
    if re.search("[@#]", given["escalation_contact"]):
        on_call = [given["escalation_contact"]]
    else:
        on_call = rota or covered[:1] or ["ml-team"]
    rota_setter = given["role_engineering_manager"] or (covered[:1] or ["ml-team"])[0]

    pages = {
        "q28": answer(root, 28),
        "q34": answer(root, 34),
        "runbook": (root / "docs/team/runbook.md").read_text().split("\n1. ", 1)[0],
    }

    for page, text in pages.items():
        assert all(handle in text for handle in on_call), f"{page}: {on_call} not in {text}"
    assert rota_setter in pages["q28"]
    assert "sets the rota" in pages["q28"]


def test_changing_the_label_says_the_task_and_metric_change_with_it(project):
    _, root = project
    other = {"binary_classification": "regression", "regression": "binary_classification"}

    q3, q5 = answer(root, 3), answer(root, 5)

    assert f"`task: {other[answers(root)['ml_task']]}`" in q3
    assert "`evaluate.primary_metric`" in q3
    assert "refuses (at start) a primary metric that does not fit the task" in " ".join(q3.split())
    assert "[question 3](#q3)" in q5


def test_q12_says_what_training_on_other_data_covers_and_that_fine_tuning_is_not_built(project):
    _, root = project

    q12 = answer(root, 12)

    assert "`sql.sources`" in q12
    assert "Fine-tuning or warm-starting" in q12
    assert "is not built" in q12


def test_q23_names_its_prerequisites_and_what_the_metrics_diff_compares(project):
    _, root = project

    q23 = re.sub(r"\s+", " ", answer(root, 23))

    assert "a lasting tracking store" in q23
    assert "a DVC remote" in q23
    assert "`uv run dvc metrics diff <commit>`" in q23
    assert "measured on that commit's own evaluation set" in q23


def test_q30_gives_the_copy_command_from_the_projects_own_answers(project, tmp_path):
    name, root = project
    given = answers(root)
    source = f"git+{given['template_repo_url']}"

    q30 = answer(root, 30)

    assert f"\nuvx copier copy {source} ../new-model\n" in q30  # a line of its shell block
    if name == "roles-filled-github":  # the source it names is one copier can copy from
        run_copy(source, tmp_path / "next", defaults=True, unsafe=False, quiet=True)
        assert (tmp_path / "next/docs/process.md").is_file()


def test_the_roles_page_speaks_of_codeowners_only_as_it_exists(project):
    _, root = project

    roles = (root / "docs/team/roles.md").read_text()

    assert ("rewrites this page, the other team pages and `CODEOWNERS`" in roles) == (
        root / "CODEOWNERS"
    ).exists()
    assert "edit this page and `CODEOWNERS`" not in roles


def test_the_roles_page_keeps_the_guidances_skills_and_says_what_is_missing(project):
    _, root = project
    given = answers(root)

    roles = re.sub(r"\s+", " ", (root / "docs/team/roles.md").read_text())

    assert "answer business questions through statistical analysis" in roles
    assert "the infrastructure and systems that collect raw data" in roles
    assert "**Missing**: nothing runs the data pipeline on a schedule" in roles
    assert "`make serve`" in roles
    assert "`make monitor`" in roles
    ci_file = {"github": ".github/workflows/ci.yml", "gitlab": ".gitlab-ci.yml"}.get(
        given["ci_provider"]
    )
    if ci_file:
        assert f"(`{ci_file}`)" in roles
        assert (root / ci_file).is_file()
    else:
        assert "no CI is configured" in roles


def test_codeowners_follow_the_role_answers(project):
    name, root = project
    codeowners = root / "CODEOWNERS"

    if name == "roles-empty-gitlab":
        assert not codeowners.exists()
    elif name == "one-person-regression-no-ci":
        assert set(re.findall(r"@\S+", codeowners.read_text())) == {"@solo"}
        assert "/.github/" not in codeowners.read_text()
    elif name == "partial-roles-github":
        assert set(re.findall(r"@\S+", codeowners.read_text())) == {"@ds-park", "@ops-han"}
    else:
        text = codeowners.read_text()
        assert re.search(r"^/sql/\s+@de-jung$", text, re.M)
        assert re.search(r"^/notebooks/\s+@ds-park choi@acme.example$", text, re.M)
        assert re.search(r"^/\.github/\s+@ops-han$", text, re.M)
        assert re.search(r"^/pyproject.toml\s+@ops-han$", text, re.M)
        assert re.search(r"^/Dockerfile\s+@ops-han$", text, re.M)


def test_roles_list_who_covers_each_role_and_the_gaps(project):
    name, root = project

    roles = (root / "docs/team/roles.md").read_text()

    if name == "roles-empty-gitlab":
        assert roles.count("**gap: nobody yet**") == 6
        assert "**Gaps**: ML product manager, Engineering manager" in roles
    elif name == "partial-roles-github":
        assert roles.count("**gap: nobody yet**") == 4
        assert (
            "**Gaps**: ML product manager, Engineering manager, ML engineer, Data engineer" in roles
        )
    else:
        assert "gap: nobody yet" not in roles
        assert "Every role is covered." in roles
    assert "| on-call, incidents" in roles


def test_contacts_and_runbook_name_the_channel_and_the_escalation(render):
    root = render({"team_channel": "#churn-model", "escalation_contact": "@ml-oncall"})

    assert "#churn-model" in (root / "docs/team/contacts.md").read_text()
    assert "@ml-oncall" in (root / "docs/team/runbook.md").read_text()


def test_the_process_document_passes_its_own_hook(project, monkeypatch, capsys):
    from ml_playbook.hooks.check_process_doc import main

    _, root = project
    monkeypatch.chdir(root)

    assert main(["docs/process.md"]) == 0, capsys.readouterr().out


def test_every_answer_gives_its_commands_in_a_shell_block(project):
    _, root = project

    bare = [
        number
        for number in range(1, 35)
        if not answer(root, number).split("\n", 2)[2].startswith("See [question")
        and "```bash\n" not in answer(root, number)
    ]

    assert bare == []


def test_day_one_comes_first_and_walks_through_a_change_to_the_reports(project):
    _, root = project

    nav = yaml.load((root / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)["nav"]
    day_one = (root / "docs/day-one.md").read_text()

    assert nav[0] == {"Day one": "day-one.md"}
    for step in ("make setup", "make pipeline", "make test", "git switch -c", "explain"):
        assert step in day_one
    assert "max_tickets_window" in day_one
    assert "[team/roles.md](team/roles.md)" in day_one


def test_the_readiness_page_speaks_of_the_projects_own_task(project):
    _, root = project
    regression = answers(root)["ml_task"] == "regression"

    readiness = re.sub(r"\s+", " ", (root / "docs/readiness.md").read_text())

    assert ("ROC AUC" in readiness) is not regression
    assert ("churn does not depend" in readiness) is not regression
    assert ("RMSE" in readiness) is regression
    assert ("spend does not depend" in readiness) is regression


def test_a_page_that_reaches_one_person_says_nobody_covers_them(project):
    name, root = project
    pages = {
        "q28": answer(root, 28),
        "runbook": (root / "docs/team/runbook.md").read_text().split("\n1. ", 1)[0],
        "contacts": (root / "docs/team/contacts.md").read_text(),
        "operations": (root / "docs/team/operations.md").read_text(),
    }
    # One person takes every page: @solo in every role; @ops-han, the only DevOps engineer
    # and no ML engineer. A rota alias (@ml-oncall) or a team channel is not one person.
    alone = {"one-person-regression-no-ci": "@solo", "partial-roles-github": "@ops-han"}

    for page, text in pages.items():
        said = re.sub(r"\s+", " ", text)
        if name in alone:
            assert f"**Cover: nobody.** Every page goes to one person ({alone[name]})" in said, page
        else:
            assert "Cover: nobody" not in said, page


def test_performance_reviews_are_never_handed_to_a_stand_in(project):
    _, root = project
    manager = answers(root)["role_engineering_manager"]

    expectations = re.sub(r"\s+", " ", (root / "docs/team/expectations.md").read_text())
    roles = re.sub(r"\s+", " ", (root / "docs/team/roles.md").read_text())

    if manager:
        assert (
            f"performance reviews and supports growth**: the engineering manager ({manager})"
            in (expectations)
        )
        assert "unassigned" not in expectations + roles
    else:
        assert "performance reviews are unassigned and must be decided" in expectations
        assert "who writes them is **unassigned and must be decided**" in roles
        assert "but not reviews or growth" in expectations


def test_the_feature_dictionary_describes_the_models_features(project):
    _, root = project
    train = yaml.safe_load((root / "params.yaml").read_text())["train"]

    features, _, labels = (root / "docs/features.md").read_text().partition("## What it predicts")

    row = re.compile(
        r"^\| `(\w+)` \| [^|]+ \| [^|]+ \| [^|]+ \| (data engineer|data scientist) \|$", re.M
    )
    described = [name for name, _ in row.findall(features)]
    assert sorted(described) == sorted(train["numeric_features"] + train["categorical_features"])
    assert [name for name, _ in row.findall(labels)] == [train["label"]]


def test_the_request_templates_carry_the_review_checklist_of_the_ci_provider(project):
    _, root = project
    provider = answers(root)["ci_provider"]
    templates = {
        "github": root / ".github/pull_request_template.md",
        "gitlab": root / ".gitlab/merge_request_templates/Default.md",
    }
    issues = {"github": root / ".github/ISSUE_TEMPLATE", "gitlab": root / ".gitlab/issue_templates"}

    for other in set(templates) - {provider}:
        assert not templates[other].exists()
        assert not issues[other].exists()
    if provider == "none":
        return
    checklist = templates[provider].read_text()
    assert "**One contract** (`docs/process.md#q3`)" in checklist
    assert "`docs/features.md#at-serving-time`" in checklist
    assert {"github": "`.github/workflows/ci.yml`", "gitlab": "`.gitlab-ci.yml`"}[
        provider
    ] in checklist
    assert {"github": "this pull request", "gitlab": "this merge request"}[provider] in checklist
    assert len(list(issues[provider].glob("*.md"))) == 2


SQL_AND_PARAMS = ("sql/features/feat_customer_month.sql", "params.yaml")
DIFF_BLOCK = re.compile(r"^```diff\n(.*?)^```", re.M | re.S)
TEXT_BLOCK = re.compile(r"^```text\n(.*?)^```", re.M | re.S)
DICTIONARY_ROW = re.compile(r"^\| `(\w+)` \|", re.M)


def applied(text: str, diff: str) -> str | None:
    """`text` with a unified-diff hunk (no header) applied, or None where it does not apply."""
    lines = diff.splitlines()
    old = "".join(line[1:] + "\n" for line in lines if line[:1] in (" ", "-"))
    new = "".join(line[1:] + "\n" for line in lines if line[:1] in (" ", "+"))
    return text.replace(old, new, 1) if old in text else None


def test_day_ones_first_change_applies_to_the_project_as_generated(project, tmp_path):
    """The edits Day one shows apply to the SQL and params.yaml as generated, the golden-set
    command adds the column where it says, and the dictionary row makes the dictionary whole:
    when the SQL or params change, this fails before a new team member does."""
    name, root = project
    day_one = (root / "docs/day-one.md").read_text()
    edited = {path: (root / path).read_text() for path in SQL_AND_PARAMS}

    for diff in DIFF_BLOCK.findall(day_one):
        targets = [path for path, text in edited.items() if applied(text, diff) is not None]
        assert len(targets) == 1, f"this edit applies to {targets}, not one file:\n{diff}"
        edited[targets[0]] = applied(edited[targets[0]], diff)

    params = yaml.safe_load(edited["params.yaml"])
    assert "max_tickets_window" in params["train"]["numeric_features"]
    assert params["data"]["rules"]["max_tickets_window"] == {"type": "int", "min": 0}
    assert edited["sql/features/feat_customer_month.sql"].count("max_tickets_window") == 2
    (row,) = [block for block in TEXT_BLOCK.findall(day_one) if "max_tickets_window" in block]
    dictionary = (root / "docs/features.md").read_text().partition("## What it predicts")[0]
    described = set(DICTIONARY_ROW.findall(dictionary + row))
    assert described == set(
        params["train"]["numeric_features"] + params["train"]["categorical_features"]
    )
    if name == "roles-filled-github":  # the golden-set command, run as written (pandas: once)
        (command,) = [line for line in day_one.splitlines() if line.startswith("uv run python -c")]
        golden = shutil.copytree(root / "data/samples", tmp_path / "data/samples")
        done = subprocess.run([sys.executable, "-c", shlex.split(command)[4]], cwd=tmp_path)
        assert done.returncode == 0
        header = (golden / "golden.csv").read_text().splitlines()[0].split(",")
        assert header[header.index("avg_spend_window") + 1] == "max_tickets_window"
