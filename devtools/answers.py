"""Answers checked as copier checks them, without copying anything: copier's own Worker reads
copier.yml from a plain folder (no git clone), renders each question's default and runs its
validator and its choices, in tens of milliseconds instead of the second a refused copy takes.
Tests of the questions use this; a few real refused copies stay as the end-to-end proof."""

import tempfile
from pathlib import Path

from copier._main import Worker

from devtools.jinja_cache import share_compiled_templates
from devtools.template_clone import TEMPLATE_ROOT, copy_working_tree


def plain_template(dest: Path, source: Path = TEMPLATE_ROOT) -> Path:
    """The template's working tree copied to `dest`, without .git: copier reads it in place."""
    copy_working_tree(dest, source)
    return dest


def asked(template: Path, answers: dict) -> dict:
    """Every answer after copier has asked the questions with `answers` given and the other
    defaults taken; a refused answer raises copier's ValueError, its validator's message."""
    share_compiled_templates()  # each check is a new Worker: compile the template's Jinja once
    with (
        tempfile.TemporaryDirectory() as scratch,
        Worker(
            src_path=str(template),
            dst_path=Path(scratch) / "project",
            data=answers,
            defaults=True,
            quiet=True,
            unsafe=False,
        ) as worker,
    ):
        worker._ask()  # copier's step that validates; the copy itself would follow it
        return dict(worker.answers.combined)
