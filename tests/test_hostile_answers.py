"""Hostile answers to `copier copy`: each is refused with its validator's one-line message
and nothing written, or accepted, and then every generated TOML/YAML/JSON/Python file parses,
the answer reads back as given wherever it lands, the Markdown pages and CODEOWNERS keep
their structure, and the project's own hooks pass on the fresh tree."""

import ast
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import markdown
import pytest
import yaml
from copier import run_copy
from markdown_it import MarkdownIt

from devtools.answers import asked
from devtools.rendered import SKIPPED_FOLDERS
from devtools.template_clone import TEMPLATE_ROOT

NEWLINE_MESSAGE = "must be one line"
ROLES = [
    "role_ml_product_manager",
    "role_engineering_manager",
    "role_data_scientist",
    "role_ml_engineer",
    "role_data_engineer",
    "role_devops_engineer",
]


def refused(question: str, answer: str, message: str) -> tuple[dict, str]:
    return {question: answer}, message


REFUSED = [
    # Names: anchored on the whole answer, so a line break never slips through.
    refused("project_name", "My Model\n", NEWLINE_MESSAGE),
    refused("project_name", "\nMy Model", NEWLINE_MESSAGE),
    refused("project_name", "My\x00Model", NEWLINE_MESSAGE),
    refused("project_name", "My\tModel", NEWLINE_MESSAGE),
    refused("project_name", "My Model\r", NEWLINE_MESSAGE),
    refused("project_name", "   ", "must not be empty"),
    refused("project_name", "My/Model", "must start with a letter"),
    refused("project_name", "Model<script>", "must start with a letter"),
    refused("project_name", "Mödel", "must start with a letter"),
    refused("project_name", "🚀 Model", "must start with a letter"),
    refused("project_name", "M" * 61, "at most 60 characters"),
    refused("project_name", "Model\u202e", NEWLINE_MESSAGE),
    refused("project_slug", "my-model\n", "The project slug must be lowercase"),
    refused("project_slug", "my-model\r\n", "The project slug must be lowercase"),
    refused("project_slug", "-model", "The project slug must be lowercase"),
    refused("project_slug", "model-", "The project slug must be lowercase"),
    refused("project_slug", "my model", "The project slug must be lowercase"),
    refused("project_slug", "m" * 61, "at most 60 characters"),
    refused("package_name", "my_model\n", "The package name must be lowercase"),
    refused("package_name", "my_model\x00", "The package name must be lowercase"),
    refused("package_name", "1model", "The package name must be lowercase"),
    refused("package_name", "src", "shadows a dependency or folder"),
    refused("package_name", "typer", "shadows a dependency or folder"),
    refused("package_name", "os", "shadows the standard-library module"),
    refused("package_name", "await", "is a Python keyword"),
    # Free text: one line, no control or text-direction characters, bounded.
    refused("description", "", "must not be empty"),
    refused("description", "\u3000\u00a0", "must not be empty"),
    refused("description", "line one\nline two", NEWLINE_MESSAGE),
    refused("description", "ends with a newline\n", NEWLINE_MESSAGE),
    refused("description", "tab\there", NEWLINE_MESSAGE),
    refused("description", "bell\x07", NEWLINE_MESSAGE),
    refused("description", "delete\x7f", NEWLINE_MESSAGE),
    refused("description", "next line\x85", NEWLINE_MESSAGE),
    refused("description", "line\u2028separator", NEWLINE_MESSAGE),
    refused("description", "paragraph\u2029separator", NEWLINE_MESSAGE),
    refused("description", "invoice\u202egnp.exe", NEWLINE_MESSAGE),
    refused("description", "isolate\u2066x\u2069", NEWLINE_MESSAGE),
    refused("description", "undecodable \udc80 byte", NEWLINE_MESSAGE),
    refused("description", 'x" \nname = "evil', NEWLINE_MESSAGE),
    refused("description", "d" * 201, "at most 200 characters"),
    refused("author_name", "X", "at least 2 characters"),
    refused("author_name", " X ", "at least 2 characters"),
    refused("author_name", "ML Team\n", NEWLINE_MESSAGE),
    refused("organisation", "Example Org\n# Injected", NEWLINE_MESSAGE),
    refused("organisation", "o" * 101, "at most 100 characters"),
    # Addresses: only what a mail address or URL can hold.
    refused("author_email", "<script>x</script>@x.com", "must be an email address"),
    refused("author_email", "a|b@example.com", "must be an email address"),
    refused("author_email", "ml@example.com\n", "must be an email address"),
    refused("author_email", "a b@example.com", "must be an email address"),
    refused("author_email", "a@example.com, b@example.com", "must be an email address"),
    refused("author_email", "ünï@example.com", "must be an email address"),
    refused("author_email", "x" * 65 + "@example.com", "must be an email address"),
    refused("author_email", "ml@" + "a." * 9 + "com", "must be an email address"),
    refused("repository_url", 'https://github.com/a/b" , rev = "main', "must be an http"),
    refused("repository_url", "https://github.com/a/b\n", "must be an http"),
    refused("repository_url", "https://github.com", "must be an http"),
    refused("repository_url", "https://example.com/a b", "must be an http"),
    refused("repository_url", "javascript:alert(1)", "must be an http"),
    refused("repository_url", "https://example.com/🚀", "must be an http"),
    refused("repository_url", "https://example.com/a<b>", "must be an http"),
    # Role handles: CODEOWNERS owners, Markdown table cells.
    refused("role_ml_engineer", "@alice\n@bob", "must be one line"),
    refused("role_ml_engineer", "@alice|@bob", "is not a handle"),
    refused("role_ml_engineer", "@alice, # Injected heading", "is not a handle"),
    refused("role_ml_engineer", "<script>alert(1)</script>@x.com", "is not a handle"),
    refused("role_ml_engineer", "@alice,", "A handle is missing"),
    refused("role_ml_engineer", ",", "A handle is missing"),
    refused("role_ml_engineer", "   ", "A handle is missing"),
    refused("role_ml_engineer", "@a`b`", "is not a handle"),
    refused("role_ml_engineer", "@-alice", "is not a handle"),
    refused("role_ml_engineer", "@alice bob", "is not a handle"),
    refused("role_ml_engineer", "@acme/", "is not a handle"),
    refused("role_data_engineer", "@x" * 151, "at most 300 characters"),
    # Team channel and escalation contact: no Markdown or HTML structure, no placeholder.
    refused("team_channel", "", "must not be empty"),
    refused("team_channel", "# Injected heading", "'#' must start a channel name"),
    refused("team_channel", "#", "'#' must start a channel name"),
    refused("team_channel", "## two", "'#' must start a channel name"),
    refused("team_channel", "#ml | injected | cell", "must not contain"),
    refused("team_channel", "<b>bold</b>", "must not contain"),
    refused("team_channel", "[click](javascript:alert(1))", "must not contain"),
    refused("team_channel", "#ml `code`", "must not contain"),
    refused("team_channel", "#ml {: onclick=alert(1) }", "must not contain"),
    refused("team_channel", "C:\\share", "must not contain"),
    refused("team_channel", "#ml\n# Injected", NEWLINE_MESSAGE),
    refused("team_channel", "TBD", "not a placeholder"),
    refused("escalation_contact", "todo", "not a placeholder"),
    refused("escalation_contact", "???", "not a placeholder"),
    refused("escalation_contact", "<script>alert(1)</script>", "must not contain"),
    refused("escalation_contact", "@oncall\n## Injected", NEWLINE_MESSAGE),
    refused("escalation_contact", "e" * 101, "at most 100 characters"),
    # The reserved-name lists are not answers: `--data` can neither empty nor replace them.
    ({"reserved_stdlib_modules": "", "package_name": "json"}, "shadows the standard-library"),
    ({"stdlib_modules": "", "package_name": "json"}, "shadows the standard-library"),
    ({"reserved_python_keywords": "", "package_name": "class"}, "is a Python keyword"),
    ({"python_keywords": [], "package_name": "class"}, "is a Python keyword"),
    ({"reserved_dependency_names": "", "package_name": "pandas"}, "shadows a dependency"),
    ({"dependency_names": "x", "package_name": "pandas"}, "shadows a dependency"),
    # Nor can it replace what the validators use inside: their patterns and macros.
    ({"UNPRINTABLE": "^$", "description": "two\nlines"}, NEWLINE_MESSAGE),
    ({"HANDLE": ".*", "role_ml_engineer": "<b>x</b>"}, "is not a handle"),
    ({"one_line": "", "organisation": ""}, "must not be empty"),
    ({"check": "", "project_name": "My Model\n"}, NEWLINE_MESSAGE),
]

# Accepted answers, several hostile pieces to an answer so that few renders cover them all.
# Description and escalation contact start a Markdown line somewhere, so each of their
# answers opens with a different block marker (heading, list, admonition, fence).
ACCEPTED = [
    (
        "description",
        "  # Not a heading 🚀 고객 이탈 | not | a | table | <script>alert(1)</script> 👨‍👩‍👧\ufe0f  ",
    ),
    (
        "description",
        '1. not a list \u200f نموذج He said "predict" \\ C:\\data\\ \\u0041 \\n x" , evil = "y',
    ),
    (
        "description",
        "- not a bullet key: value # no comment - [a, b] &anchor *alias !!python/object:os.system"
        " ask ml@example.com",
    ),
    (
        "description",
        "!!! danger [click](javascript:alert(1)) ![i](x.png) <https://e.example> <!-- c --> {: onclick=alert(1) }",
    ),
    (
        "description",
        ("~~~ **not bold** _not em_ snake_case `not code` ~~struck~~ {{ 7 * 7 }} {% raw %} ").ljust(
            200, "d"
        ),
    ),
    ("author_name", 'O\'Neil "Jr" \\ Smith'),
    ("author_name", "김철수"),
    ("author_name", "🚀🚀"),
    ("author_name", "ML Team <ml-team@example.com> & Co"),
    ("author_name", "no"),  # the shortest accepted, and a boolean to YAML 1.1 unquoted
    ("organisation", 'Acme & Co. <Ltd> "quoted"'),
    ("organisation", "주식회사 예시"),
    ("organisation", "🚀"),
    ("organisation", "key: value\\ (legal@acme.example)"),
    ("author_email", "first.last+ml@sub.example.co.kr"),
    ("author_email", "x.y-z_1%2+3@a.b.c.d.e.f.g.h.museum"),
    ("repository_url", "https://gitlab.example.com:8443/group/sub/churn-model"),
    ("repository_url", "https://example.com/a%20b/(c)/d'e"),
    ("project_name", "A"),
    ("project_name", "My.Model_v2 - final"),
    ("project_name", "Todo Model"),
    ("project_slug", "a-1-b"),
    ("package_name", "m" * 40),
    ("role_ml_engineer", "@alice, @acme/ml-platform, first.last@example.co.kr"),
    ("role_data_engineer", "@john.doe_1"),
    ("role_devops_engineer", "@group/sub/team"),
    ("role_data_scientist", "first_last@example.com, @solo"),
    ("team_channel", "Slack #ml_team or #ml-churn (ask anything, *really*)"),
    ("team_channel", "ml-team@example.com"),
    ("team_channel", "#채널"),
    ("team_channel", "- list start"),
    ("team_channel", "1. first"),
    ("escalation_contact", "+ PagerDuty: ml-oncall (https://acme.pagerduty.com/schedules#P123)"),
    ("escalation_contact", "oncall@example.com"),
    ("escalation_contact", "- bullet _em_"),
    ("escalation_contact", "!!! warning"),
    ("escalation_contact", "1) not a list"),
]

# What a hostile answer is compared with: the same render with these plain answers instead.
# Names stay as given: they are plain already, and they decide the file paths.
NAMES = {"project_name", "project_slug", "package_name"}
BENIGN = {
    "description": "A plain description.",
    "author_name": "Plain Author",
    "organisation": "Plain Org",
    "author_email": "plain@example.com",
    "repository_url": "https://example.com/plain/repo",
    **{role: "@plain" for role in ROLES},
    "team_channel": "#plain",
    "escalation_contact": "@plain-oncall",
}


def _batches(cases: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Group answers into as few renders as possible, one answer per question per render."""
    batches: list[dict[str, str]] = []
    for question, answer in cases:
        batch = next((b for b in batches if question not in b), None)
        if batch is None:
            batch = {}
            batches.append(batch)
        batch[question] = answer
    return batches


BATCHES = _batches(ACCEPTED)


def test_the_table_covers_enough_hostile_answers():
    assert len(REFUSED) + len(ACCEPTED) >= 60
    assert len(BATCHES) <= 6


@pytest.mark.parametrize(
    ("answers", "message"),
    REFUSED,
    ids=[f"{'+'.join(a)}={list(a.values())[-1]!r}"[:80] for a, _ in REFUSED],
)
def test_a_hostile_answer_is_refused_with_its_one_line_message(template_folder, answers, message):
    with pytest.raises(ValueError, match=re.escape(message)) as refusal:
        asked(template_folder, answers)

    assert "\n" not in str(refusal.value).strip()


# A few refusals as whole copies: copier stops before writing anything.
REFUSED_COPIES = [REFUSED[0], REFUSED[-1], ({"description": "d" * 201}, "at most 200 characters")]


@pytest.mark.render
@pytest.mark.parametrize(("answers", "message"), REFUSED_COPIES)
def test_a_refused_copy_writes_nothing(template_folder, tmp_path, answers, message):
    destination = tmp_path / "project"

    with pytest.raises(ValueError, match=re.escape(message)):
        run_copy(str(template_folder), destination, data=answers, defaults=True, quiet=True)

    assert not destination.exists() or not any(destination.iterdir())


# A data file copier cannot use: copier reads it before any question, so no validator of ours
# runs; docs/index.md tells users which line at the end of copier's traceback names the problem.
BROKEN_DATA_FILES = [
    ("- project_name\n- churn\n", "AttributeError: 'list' object has no attribute 'items'"),
    ("just text\n", "AttributeError: 'str' object has no attribute 'items'"),
    ("project_name: [unclosed\n", "yaml.parser.ParserError"),
    ("project_name: 'unclosed\n", "yaml.scanner.ScannerError"),
]


@pytest.mark.render
@pytest.mark.parametrize(("text", "last_line"), BROKEN_DATA_FILES)
def test_a_data_file_copier_cannot_read_writes_nothing_and_its_ending_is_documented(
    template_folder, tmp_path, text, last_line
):
    answers, destination = tmp_path / "answers.yml", tmp_path / "project"
    answers.write_text(text)

    done = subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--defaults", "--data-file", str(answers)]
        + [str(template_folder), str(destination)],
        capture_output=True,
        text=True,
    )

    # Then copier fails, and what docs/index.md says to look for is at the end of its output
    assert done.returncode != 0
    ending = done.stderr.strip().splitlines()[-6:]
    assert any(line.strip().startswith(last_line) for line in ending), done.stderr[-600:]
    assert not destination.exists()
    documented = (TEMPLATE_ROOT / "docs/index.md").read_text()
    assert last_line.split(":")[0] in documented


# --- accepted answers ---------------------------------------------------------------


class _TagTolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/name:` tags a safe loader refuses, as plain YAML."""


_TagTolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)

PARSERS = {
    ".toml": lambda text: tomllib.loads(text),
    ".yml": lambda text: list(yaml.load_all(text, Loader=_TagTolerantLoader)),
    ".yaml": lambda text: list(yaml.load_all(text, Loader=_TagTolerantLoader)),
    ".json": json.loads,
    ".ipynb": json.loads,
    ".py": ast.parse,
}
PYTHON_MARKDOWN = markdown.Markdown(
    extensions=["attr_list", "admonition", "tables", "toc", "pymdownx.superfences"]
)
COMMONMARK = MarkdownIt("commonmark").enable("table")
HOOKS = Path(sys.executable).parent


def _files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and not SKIPPED_FOLDERS & set(path.relative_to(root).parts)
    )


def _structure(text: str) -> dict[str, list[str]]:
    """The HTML tags a page renders to, in order, by both Markdown flavours users read it in."""
    PYTHON_MARKDOWN.reset()
    return {
        "python-markdown": re.findall(r"<(/?[a-z0-9]+)", PYTHON_MARKDOWN.convert(text)),
        "commonmark": re.findall(r"<(/?[a-z0-9]+)", COMMONMARK.render(text)),
    }


def _rules(codeowners: Path) -> list[list[str]]:
    lines = codeowners.read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def plain_render(render):
    """Render plain answers once per distinct set (most batches share one)."""
    rendered: dict[tuple, Path] = {}

    def _render(answers: dict[str, str]) -> Path:
        key = tuple(sorted(answers.items()))
        if key not in rendered:
            rendered[key] = render(answers, name=f"plain-{len(rendered)}")
        return rendered[key]

    return _render


@pytest.fixture(scope="module", params=range(len(BATCHES)), ids=lambda i: f"batch{i}")
def hostile(request, render, plain_render) -> tuple[dict[str, str], Path, Path]:
    """(answers, the project they render, its twin with plain answers instead)."""
    answers = BATCHES[request.param]
    plain = {question: BENIGN[question] for question in answers if question in BENIGN}
    plain |= {question: answer for question, answer in answers.items() if question in NAMES}
    return answers, render(answers, name=f"hostile-{request.param}"), plain_render(plain)


@pytest.mark.render
def test_every_generated_data_and_python_file_parses(hostile):
    _, root, _ = hostile

    for path in _files(root):
        parse = PARSERS.get(path.suffix)
        if parse:
            try:
                parse(path.read_text(encoding="utf-8"))
            except Exception as error:  # noqa: BLE001 - the test reports any parser's error
                pytest.fail(f"{path.relative_to(root)} does not parse: {error}")


@pytest.mark.render
def test_every_answer_reads_back_as_given_where_it_lands(hostile):
    answers, root, _ = hostile
    with (root / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)["project"]
    mkdocs = yaml.load((root / "mkdocs.yml").read_text(), Loader=_TagTolerantLoader)
    given = yaml.safe_load((root / ".copier-answers.yml").read_text())
    record = yaml.safe_load((root / "data/sources/customers.yml").read_text())
    data_engineer = given["role_data_engineer"].split(",")[0].strip()

    assert {q: given[q] for q in answers} == answers
    assert project["description"] == mkdocs["site_description"] == given["description"]
    assert project["authors"] == [{"name": given["author_name"], "email": given["author_email"]}]
    assert mkdocs["site_name"] == given["project_name"]
    assert mkdocs["repo_url"] == project["urls"]["Repository"] == given["repository_url"]
    assert record["owner"]["team"] == f"{given['organisation']} data engineering"
    assert record["owner"]["contact"] == (data_engineer or given["author_email"])
    assert record["sign_off"]["reviewer"] == (data_engineer or given["author_name"])
    assert given["organisation"] in (root / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.render
def test_markdown_pages_keep_their_structure(hostile):
    _, root, plain = hostile
    pages = [path.relative_to(plain) for path in _files(plain) if path.suffix == ".md"]

    assert pages
    for page in pages:
        hostile_text = (root / page).read_text(encoding="utf-8")
        plain_text = (plain / page).read_text(encoding="utf-8")
        assert _structure(hostile_text) == _structure(plain_text), page


@pytest.mark.render
def test_codeowners_hold_only_valid_owners(hostile):
    _, root, plain = hostile
    owner = re.compile(r"\A(@[A-Za-z0-9][A-Za-z0-9._/-]*|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+)\Z")
    if not (plain / "CODEOWNERS").exists():
        assert not (root / "CODEOWNERS").exists()
        return

    rules = _rules(root / "CODEOWNERS")

    assert [rule[0] for rule in rules] == [rule[0] for rule in _rules(plain / "CODEOWNERS")]
    assert all(rule[1:] and all(owner.match(o) for o in rule[1:]) for rule in rules), rules


@pytest.mark.render
def test_provenance_records_are_valid_and_signed_off(hostile):
    from ml_playbook.governance.provenance import load_record

    _, root, _ = hostile
    records = sorted((root / "data/sources").glob("*.yml"))

    assert records
    for path in records:
        record = load_record(path)
        assert record.problems == [], path.name
        assert record.signed_off


@pytest.mark.render
@pytest.mark.parametrize(
    ("hook", "selected"),
    [
        ("check-process-doc", lambda files: ["docs/process.md"]),
        ("check-data-records", lambda files: files),
        ("check-pii", lambda files: files),
    ],
    ids=["check-process-doc", "check-data-records", "check-pii"],
)
def test_the_projects_own_hooks_pass(hostile, hook, selected):
    _, root, _ = hostile
    # Every file, less those the project's pre-commit config excludes from this hook (as
    # pre-commit runs it): the lock file and the docs site's copy of mermaid are not data.
    config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())
    excluded = [
        h.get("exclude", "^$") for r in config["repos"] for h in r["hooks"] if h["id"] == hook
    ]
    files = [
        name
        for name in (str(path.relative_to(root)) for path in _files(root))
        if not any(re.search(pattern, name) for pattern in excluded)
    ]

    done = subprocess.run(
        [str(HOOKS / hook), *selected(files)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
