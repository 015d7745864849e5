"""The one error of the library and of every project on it: bad input or state the user can fix,
with a message saying how — one line per problem.

The command line's one handler (`ml_playbook.cli.reported_errors`) prints it as `error:` lines
and exits 1, never a traceback. Errors of the libraries underneath (dbt, MLflow, pandera) are
turned into it where the library calls them. It imports nothing, so a command can catch it
without importing pandas, scikit-learn or MLflow.
"""


class ProjectError(Exception):
    """Anything the user can fix from the message alone: one problem, or several (one a line)."""

    def __init__(self, *problems: str):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def first_line(error: BaseException, limit: int = 300) -> str:
    """What an exception of a library underneath says, as one line for a message: its first
    non-empty line (at most `limit` characters), or its type when it says nothing."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0][:limit] if lines else type(error).__name__
