"""Allow `python -m <package>` as well as the command of the same name."""

from .cli import PROGRAM, app

app(prog_name=PROGRAM)
