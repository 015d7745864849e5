"""What every hook shares: reading the file arguments and reporting problems one per line."""

import argparse
from collections.abc import Iterable
from pathlib import PurePosixPath


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser taking the file names pre-commit passes."""
    result = argparse.ArgumentParser(description=description)
    result.add_argument("filenames", nargs="*", help="files to check (pre-commit passes them)")
    return result


def posix(name: str) -> PurePosixPath:
    return PurePosixPath(name.replace("\\", "/"))


def report(problems: Iterable[str]) -> int:
    """Print each problem on its own line; 1 if there were any, else 0."""
    found = 0
    for problem in problems:
        print(problem)
        found += 1
    return 1 if found else 0
