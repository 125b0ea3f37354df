"""Optional error reporting to Sentry (``SENTRY_DSN``), with personal data removed first.

What may leave the server: the exception's type and stack (file, function, line: no local
variables), a log message's template (its "%s" placeholders, never their values), the URL
pattern, the numeric user id, the release and the environment. What never does: email
addresses, names, answers, tokens, cookies, headers other than a short safe list, query
strings, form bodies, SQL parameters, and the text of an exception, since that text quotes
values ("Key (email)=(…) already exists") and no pattern can tell a name from other words.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["init_sentry", "scrub_breadcrumb", "scrub_event", "scrub_text"]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Signed tokens, session keys, Fernet ciphertexts: 20+ characters of base64/hex-ish text.
_TOKEN = re.compile(r"[A-Za-z0-9_\-:=]{20,}")
_SAFE_HEADERS = {"user-agent", "accept", "accept-language", "content-type", "content-length"}
MASK = "[scrubbed]"


def scrub_text(text: str) -> str:
    """Mask email addresses and token-like runs in a message."""
    return _TOKEN.sub(MASK, _EMAIL.sub(MASK, text))


def _scrub_frames(exception: dict[str, Any]) -> None:
    if "value" in exception:
        exception["value"] = MASK
    for frame in (exception.get("stacktrace") or {}).get("frames") or []:
        frame.pop("vars", None)


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """``before_send``: the event with every piece of personal data removed."""
    request = event.get("request")
    if isinstance(request, dict):
        headers = request.get("headers") or {}
        event["request"] = {
            "method": request.get("method"),
            "headers": {k: v for k, v in headers.items() if k.lower() in _SAFE_HEADERS},
        }
    user = event.get("user")
    event["user"] = {"id": user["id"]} if isinstance(user, dict) and "id" in user else {}
    event.pop("server_name", None)
    event.pop("extra", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        _scrub_frames(exception)
    for thread in (event.get("threads") or {}).get("values") or []:
        _scrub_frames(thread)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        # The template only: "Could not send %s" keeps its meaning without the value.
        event["logentry"] = {"message": scrub_text(str(logentry.get("message", "")))}
    if isinstance(event.get("message"), str):
        event["message"] = scrub_text(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [
            crumb
            for crumb in (scrub_breadcrumb(c) for c in breadcrumbs.get("values") or [])
            if crumb is not None
        ]
    if "transaction" in event:
        # The transaction is the URL pattern with its placeholders (transaction_style="url"),
        # never the path itself; scrub anyway in case a style change lets a path through.
        event["transaction"] = scrub_text(str(event["transaction"]))
    return event


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """``before_breadcrumb``: keep what happened, drop what it carried (SQL parameters, URLs)."""
    kept = {k: crumb[k] for k in ("type", "category", "level", "timestamp") if k in crumb}
    if "message" in crumb:  # SQL comes with placeholders; its parameters are in the dropped data
        kept["message"] = scrub_text(str(crumb["message"]))
    return kept


def init_sentry(dsn: str, *, environment: str, release: str) -> None:
    """Start the SDK with personal data off and both scrubbers in place."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        max_request_body_size="never",
        traces_sample_rate=0.0,
        integrations=[DjangoIntegration(transaction_style="url")],
        before_send=scrub_event,  # type: ignore[arg-type]
        before_breadcrumb=scrub_breadcrumb,
    )
