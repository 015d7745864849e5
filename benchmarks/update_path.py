"""Wall time of `copier update` per upgrade scenario, on a project a team has changed.

    uv run python -m benchmarks.update_path [--runs 3]

The releases are those of tests/test_update_path.py (devtools.release_history); each run starts
from a fresh project at the base release with the team's edits (devtools.update_scenarios).
Times are in-process `run_update` calls (copier already imported), median over the runs;
then the move from v0.1.0 to this release (v1.0.0: the machinery into the library, two
migrations), with and without a team's edit to a machinery file; then one `cruft update` of a
cookiecutter-made project to the minor release.
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from devtools.release_history import build_release_history
from devtools.template_clone import GIT_IDENTITY
from devtools.update_scenarios import commit_all, git, start_project, team_edits, update


def scenarios(history):
    """(name, [(tag, trust), …]) — the updates each scenario runs, in order."""
    return [
        ("patch (a new question)", [(history.patch, False)]),
        ("minor (new practices)", [(history.minor, False)]),
        ("rename via migration, --trust", [(history.rename, True)]),
        (
            "every release in turn (3 updates)",
            [(t, True) for t in (history.patch, history.minor, history.rename)],
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="projects per scenario (default 3)")
    args = parser.parse_args(argv)
    os.environ.update(GIT_IDENTITY)
    os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        history = build_release_history(work / "ml-playbook")
        for index, (name, steps) in enumerate(scenarios(history)):
            times = []
            for run in range(args.runs):
                project = start_project(history.url, history.base, work / f"p{index}-{run}")
                team_edits(project)
                for tag, trust in steps:
                    times.append(update(project, tag, trust=trust))
                    commit_all(project, f"Template {tag}")
            print(
                f"{name}: median {statistics.median(times):.2f} s per update "
                f"(min {min(times):.2f}, max {max(times):.2f}; {len(times)} updates)"
            )
        for edited, times in time_library_move(work, args.runs).items():
            print(
                f"v0.1.0 -> this release ({edited}), --trust: median "
                f"{statistics.median(times):.2f} s per update ({len(times)} updates)"
            )
        print(f"cruft update (minor release): {time_cruft_update(history, work):.2f} s")
    return 0


def time_library_move(work: Path, runs: int) -> dict[str, list[float]]:
    """`copier update` from v0.1.0 to the working tree, on projects left alone and edited."""
    from devtools.previous_release import PREVIOUS_TAG, make_previous_then_current
    from devtools.template_clone import release_tag

    repo = make_previous_then_current(work / "library-move" / "ml-playbook")
    url = f"git+{repo.as_uri()}"
    times: dict[str, list[float]] = {"left alone": [], "a machinery file edited": []}
    for edited, found in times.items():
        for run in range(runs):
            project = start_project(
                url, PREVIOUS_TAG, work / "library-move" / f"{run}-{len(found)}-{edited[0]}"
            )
            if edited != "left alone":
                app = next((project / "src").iterdir()) / "serving/app.py"
                app.write_text(app.read_text() + "# ours\n")
                commit_all(project, "Our change")
            found.append(update(project, release_tag(), trust=True))
    return times


def time_cruft_update(history, work: Path) -> float:
    """One `cruft update` from the base to the minor release, for cookiecutter users."""
    from cruft import create
    from cruft import update as cruft_update

    config = work / "cookiecutter.yaml"
    config.write_text(f"cookiecutters_dir: {work / 'clones'}\nreplay_dir: {work / 'replay'}\n")
    os.environ["COOKIECUTTER_CONFIG"] = str(config)
    project = create(
        history.repo.as_uri(), output_dir=work / "cruft", no_input=True, checkout=history.base
    )
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "Start")
    started = time.perf_counter()
    cruft_update(project, skip_apply_ask=True, checkout=history.minor)
    return time.perf_counter() - started


if __name__ == "__main__":
    raise SystemExit(main())
