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
