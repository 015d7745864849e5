"""The two template pins and the release they must name, read from a generated project.

A project names its template release three times: `_commit` in .copier-answers.yml, the
`ml-playbook` source's `rev` in pyproject.toml (the library) and the template repository's
`rev` in .pre-commit-config.yaml (the convention hooks). `copier update` moves all three;
`pre-commit autoupdate` or a hand edit moves one alone, and the hooks then check the project
with another release than the library it runs. The pins are what the template writes for
`_commit` (includes/release.jinja): the tag itself, or the full hash of a commit past a tag
(`v1.2.0-3-gabc1234`).
"""

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import yaml

ANSWERS, PYPROJECT, HOOKS = ".copier-answers.yml", "pyproject.toml", ".pre-commit-config.yaml"
PIN_FILES = (ANSWERS, PYPROJECT, HOOKS)
HOOK_ID = "check-update-leftovers"  # a hook only the template repository provides
_RELEASE = re.compile(r"^v?\d+\.\d+\.\d+((a|b|rc)\d+)?$")
_PAST_TAG = re.compile(r"-g([0-9a-f]{4,40})$")


def _load(path: Path, parse) -> object | None:
    """The parsed file, or None when it is absent or does not parse (conflict markers are
    reported on their own lines by the hook)."""
    try:
        return parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return None


def read_pins(root: Path) -> tuple[str | None, str | None, str | None]:
    """(`_commit`, the library's rev, the hooks' rev); None for what is not there."""
    answers = _load(root / ANSWERS, yaml.safe_load)
    commit = answers.get("_commit") if isinstance(answers, dict) else None
    pyproject = _load(root / PYPROJECT, tomllib.loads)
    source = None
    if isinstance(pyproject, dict):
        sources = pyproject.get("tool", {}).get("uv", {}).get("sources", {})
        entry = sources.get("ml-playbook") if isinstance(sources, dict) else None
        if isinstance(entry, dict):
            source = entry.get("rev") or entry.get("tag") or entry.get("branch")
    config = _load(root / HOOKS, yaml.safe_load)
    rev = None
    repos = config.get("repos") if isinstance(config, dict) else None
    for repo in repos if isinstance(repos, list) else []:
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        if isinstance(hooks, list) and any(
            isinstance(hook, dict) and hook.get("id") == HOOK_ID for hook in hooks
        ):
            rev = repo.get("rev")
    return _text(commit), _text(source), _text(rev)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def names_release(pin: str, commit: str) -> bool | None:
    """Whether `pin` is what the template writes for `_commit`; None when `_commit` says no
    release (a template copied from a folder)."""
    if _RELEASE.match(commit):
        return pin == commit
    past = _PAST_TAG.search(commit)
    if past:
        return re.fullmatch(r"[0-9a-f]{40}", pin) is not None and pin.startswith(past.group(1))
    return None


def pin_problems(root: Path) -> Iterator[str]:
    """One line for each pin that does not name the project's release, with the repair."""
    commit, source, rev = read_pins(root)
    if commit is None or source is None or rev is None:
        return  # not a generated project, or a file the hook reports as conflicted
    pins = {f"{HOOKS}: rev": rev, f"{PYPROJECT}: the ml-playbook source's rev": source}
    verdicts = {where: names_release(pin, commit) for where, pin in pins.items()}
    if None in verdicts.values():  # no release recorded: the two pins must still agree
        if rev != source:
            yield (
                f"{HOOKS}: rev {rev} is not the ml-playbook source's rev {source} in {PYPROJECT}; "
                "pin both to one template release (`uvx copier update --defaults` moves both)."
            )
        return
    wrong = [where for where, right in verdicts.items() if not right]
    if len(wrong) == 2 and rev == source:
        yield (
            f"{ANSWERS}: _commit {commit} is not the release both pins name ({rev}); set the "
            f"pins back to {commit}, then move all three: `uvx copier update --defaults "
            f"--vcs-ref {rev}`."
        )
        return
    right = [pins[where] for where, ok in verdicts.items() if ok]
    expected = commit if _RELEASE.match(commit) else (right[0] if right else f"{commit}'s commit")
    for where in wrong:
        pin = pins[where]
        yield (
            f"{where} {pin} is not the template release this project is on ({ANSWERS}: "
            f"_commit {commit}); the pins move together (`pre-commit autoupdate` moves one "
            f"alone): set it back to {expected}, then `uvx copier update --defaults "
            f"--vcs-ref {pin}`."
        )
