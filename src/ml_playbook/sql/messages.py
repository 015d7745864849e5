"""dbt's and the engines' errors as the one line a user reads: the file is named once, the
caret under the SQL and the path of the compiled code are left out."""


def one_line(message: object) -> str:
    return " ".join(line.strip() for line in str(message).strip().splitlines() if line.strip())


def engine_message(message: str) -> str:
    """dbt's error without what the line already says: its header (which names the file),
    the caret under the SQL and the path of the compiled code."""
    lines = [line.strip() for line in message.strip().splitlines()]
    kept = [
        line
        for index, line in enumerate(lines)
        if line
        and not (index == 0 and " in model " in line)
        and not line.startswith(("^", "compiled code at", "compiled Code at"))
    ]
    return one_line("\n".join(kept))
