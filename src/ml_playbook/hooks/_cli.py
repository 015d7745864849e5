"""The command line every hook shares: file arguments that are never taken for options, and
problems reported one per line.

File names are data, never options: pre-commit appends the staged names after the hook's
`args`, so a file called `-h` or `--rf.py` must be checked, not obeyed. `parse()` therefore
reads as options only the option strings the hook declares, before the first file name and
only when no file of that name exists (`--help` only as the sole argument); everything else
is a file name.
"""

import argparse
import os
import sys
from collections.abc import Iterable, Sequence

from ..files import Note


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser taking the file names pre-commit passes."""
    result = argparse.ArgumentParser(description=description, allow_abbrev=False)
    result.add_argument("filenames", nargs="*", help="files to check (pre-commit passes them)")
    return result


def parse(arguments: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse `argv` so that no file name is ever taken for an option.

    A token is an option only if it is one of the declared option strings (`--max-kb`,
    `--max-kb=5`), it comes before the first file name, and no file of that name exists;
    its value is the next token. `--` ends the options. Everything else — `-h`,
    `--help.sql`, `-rf.py` — is a file name. argparse sees only the options, so it can
    neither print help nor refuse a file name.
    """
    tokens = list(sys.argv[1:] if argv is None else argv)
    if len(tokens) == 1 and tokens[0] in ("-h", "--help") and not os.path.lexists(tokens[0]):
        arguments.print_help()
        raise SystemExit(0)
    declared = {
        option: action
        for option, action in arguments._option_string_actions.items()
        if not isinstance(action, argparse._HelpAction)
    }
    options: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        action = declared.get(token.split("=", 1)[0])
        if os.path.lexists(token):
            break  # a file that happens to look like an option is still a file
        if token == "--":
            index += 1
            break
        if action is None:
            break  # the first file name: everything from here on is a file
        if "=" in token or action.nargs == 0:
            options.append(token)
        elif index + 1 < len(tokens):
            options.extend(tokens[index : index + 2])
            index += 1
        else:
            arguments.error(f"{token} needs a value")
        index += 1
    namespace = arguments.parse_args(options)
    namespace.filenames = tokens[index:]
    return namespace


def report(lines: Iterable[str]) -> int:
    """Print each line; 1 if any is a problem (not a Note), else 0."""
    if hasattr(sys.stdout, "reconfigure"):  # a name or text the terminal cannot encode
        sys.stdout.reconfigure(errors="backslashreplace")
    found = 0
    for line in lines:
        found += not isinstance(line, Note)
        try:
            print(line, flush=True)
        except BrokenPipeError:  # the reader stopped (`| head`): check on, print nowhere
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until the process ends
    return 1 if found else 0
