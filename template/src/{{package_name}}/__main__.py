"""Allow `python -m <package>` as well as the command of the same name."""

from .cli import app

app(prog_name=__package__)
