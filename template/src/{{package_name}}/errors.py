"""The project's errors: each means bad input or state the user can fix, and its message
says how. The CLI prints them as one-line `error:` messages instead of tracebacks.

They live in this small module so the CLI can catch them without importing pandas,
scikit-learn or MLflow.
"""


class ProjectError(Exception):
    """Base class: anything the user can fix from the message alone."""


class ParamsError(ProjectError):
    """params.yaml is missing or wrong."""


class SqlError(ProjectError):
    """A SQL model cannot be rendered, translated or run; the message names the model."""


class StageError(ProjectError):
    """A pipeline stage cannot go on (missing input, empty output)."""


class TrainingError(ProjectError):
    """The model cannot be built or fitted as configured; the message names the param."""


class ProblemsError(ProjectError):
    """Several things to fix at once: one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class DataSchemaError(ProblemsError):
    """The data or the params disagree with the feature schema."""


class GovernanceError(ProblemsError):
    """A data set lacks a valid, signed-off provenance record, or holds personal data it
    must not (undeclared in its record, or any direct identifier in a training set)."""
