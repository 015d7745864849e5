from ml_playbook.check_process_doc import main

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
