"""Post the tripped rules as JSON to a webhook (Slack, Teams, an incident tool, any URL)."""

import json
import urllib.error
import urllib.request

from .checks import plain

TIMEOUT_SECONDS = 10


def alert_payload(model: str, version: str, fired: list[dict], report: str) -> dict:
    lines = [f"- {c['rule']} ({c['subject']}): {c['detail']}" for c in fired]
    return {
        # `text` is what Slack and Teams show; the rest is for tools.
        "text": f"{model} v{version}: {len(fired)} monitoring rule(s) tripped\n" + "\n".join(lines),
        "model": model,
        "version": version,
        "fired": fired,
        "report": report,
    }


def post(url: str, payload: dict) -> str | None:
    """None if delivered, else why not (the monitor still exits non-zero)."""
    if not url.startswith(("http://", "https://")):
        return f"webhook URL '{url}' is not http(s)"
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, default=plain).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):  # noqa: S310
            return None
    except urllib.error.HTTPError as error:
        return f"webhook answered {error.code}"
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        return f"webhook not reached ({error})"
