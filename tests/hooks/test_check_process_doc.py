import os

from ml_playbook.hooks.check_process_doc import main

ANSWERED = """# Process

## 1. How is the model's data generated?

`make pipeline` runs `sql/staging` then `sql/features`.

## 2. Which metrics do we use?

### Offline

ROC AUC, in `reports/metrics.json`.

## 3. How do we serve the model?

Not built yet: serving comes with the serving issue.

```bash
## not a heading inside code
```
"""


def test_a_fully_answered_document_passes(repo):
    assert main([repo("docs/process.md", ANSWERED)]) == 0


def test_an_empty_section_is_refused_with_its_line(repo, capsys):
    doc = repo(
        "docs/process.md",
        "# P\n\n## 7. Metrics?\n\n<!-- write here -->\n\n## 8. Launch?\n\nmake launch\n",
    )

    assert main([doc]) == 1
    assert "docs/process.md:3: section '7. Metrics?' has no answer" in capsys.readouterr().out


def test_a_placeholder_is_refused(repo, capsys):
    doc = repo("docs/process.md", "## 9. Alerts?\n\nTBD by the DevOps engineer.\n")

    assert main([doc]) == 1
    assert "holds a placeholder (TBD)" in capsys.readouterr().out


def test_a_file_that_is_not_utf8_is_a_clear_error(repo, capsys):
    assert main([repo("docs/process.md", b"caf\xe9 menu")]) == 1
    assert "save it as UTF-8" in capsys.readouterr().out


def test_hashes_without_a_space_or_more_than_six_are_text(repo, capsys):
    doc = repo("docs/process.md", "## Closed ##\n\n##NotAHeading\n\n####### seven\n")

    assert main([doc]) == 0  # `##NotAHeading` and a seven-hash line answer "Closed"


def test_a_heading_with_thousands_of_spaces_is_read_as_a_heading(repo, capsys):
    doc = repo("docs/process.md", "## Many" + " " * 50_000 + "spaces\n\n##" + " " * 50_000 + "\n")

    assert main([doc]) == 1
    out = capsys.readouterr().out
    assert "docs/process.md:1: section 'Many" + " " * 76 + "…' has no answer" in out


def test_an_echoed_heading_is_cut_and_escaped(repo, capsys):
    doc = repo("docs/process.md", "## " + "Long\x1b" * 100_000 + "\n\nTBD\n")

    assert main([doc]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "\x1b" not in out
    assert len(out) < 300
    assert "…' holds a placeholder (TBD)" in out


def test_an_unclosed_comment_hides_the_rest_of_the_section(repo, capsys):
    doc = repo("docs/process.md", "## Alerts?\n\n<!-- write here\n" + "<!--" * 50_000 + "\n")

    assert main([doc]) == 1
    assert "section 'Alerts?' has no answer" in capsys.readouterr().out


def test_what_is_not_a_file_is_noted_and_passes(repo, tmp_path, capsys):
    os.mkfifo(tmp_path / "process.md")
    (tmp_path / "zero.md").symlink_to("/dev/zero")

    assert main(["process.md", "zero.md"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "process.md: skipped, a FIFO, not a regular file.",
        "zero.md: skipped, a device, not a regular file.",
    ]


def test_a_document_in_utf16_is_read(repo, capsys):
    assert main([repo("docs/process.md", "## Empty\n".encode("utf-16"))]) == 1
    assert "section 'Empty' has no answer" in capsys.readouterr().out


def test_a_closing_sequence_is_dropped_from_the_title_but_a_trailing_hash_is_kept(repo, capsys):
    doc = repo("docs/process.md", "## Closed ##\n\n## C#\n")

    assert main([doc]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "docs/process.md:1: section 'Closed' has no answer; write one, or say plainly that it is not built yet.",
        "docs/process.md:3: section 'C#' has no answer; write one, or say plainly that it is not built yet.",
    ]


def test_a_placeholder_word_in_quoted_code_is_not_a_placeholder(repo):
    doc = repo(
        "docs/process.md",
        "## 30. New project?\n\n`uvx copier copy https://git.example.com/todo/ml-playbook ../x`\n\n"
        "```bash\n# TODO: is an example inside a fence\n```\n",
    )

    assert main([doc]) == 0


def test_a_placeholder_in_prose_beside_code_is_still_refused(repo, capsys):
    doc = repo("docs/process.md", "## 9. Alerts?\n\nRun `make monitor`; paging is TODO.\n")

    assert main([doc]) == 1
    assert "holds a placeholder (TODO)" in capsys.readouterr().out


def test_an_anchor_tag_is_not_shown_in_the_section_title(repo, capsys):
    doc = repo("docs/process.md", '## <a id="q7" name="q7"></a>7. Metrics?\n\nTBD\n')

    assert main([doc]) == 1
    assert "section '7. Metrics?' holds a placeholder" in capsys.readouterr().out
