"""The project's one error: bad input or state the user can fix, with a message saying how.

The CLI's one handler (`cli.reported_errors`) prints it as `error:` lines, one per problem,
and exits 1 — never a traceback. Errors from libraries the project calls (the PII scanner of
ml_playbook, for one) are turned into it where the project calls them.

It lives in this small module so the CLI can catch it without importing pandas,
scikit-learn or MLflow.
"""


class ProjectError(Exception):
    """Anything the user can fix from the message alone: one problem, or several (one a line)."""

    def __init__(self, *problems: str):
        super().__init__("\n".join(problems))
        self.problems = list(problems)
