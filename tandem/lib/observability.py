"""One structured log line per request, and the request id that ties log lines together.

The line names the route (``booking:link``), never the path: paths carry booking-link,
calendar-feed and email-confirmation tokens. It holds no email address, name, answer or
token; the user is named by their numeric id only.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

__all__ = [
    "JsonFormatter",
    "RequestIdFilter",
    "RequestLogMiddleware",
    "current_request_id",
    "route_name",
]

request_log = logging.getLogger("tandem.request")
_request_id: ContextVar[str] = ContextVar("tandem_request_id", default="")
# A proxy's id is kept only when it looks like one (Caddy and most proxies send a UUID), so a
# client cannot write arbitrary text into the logs through the header.
_GOOD_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
UNMATCHED = "<unmatched>"


def current_request_id() -> str:
    """The id of the request this thread is serving, or "" outside a request."""
    return _request_id.get()


def route_name(request: HttpRequest) -> str:
    """The URL pattern's name (``namespace:name``), or its route when it has no name."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return match.view_name or match.route or UNMATCHED


def _user_id(request: HttpRequest) -> int | None:
    # Only a user the request already loaded: reading request.user here would query the
    # database, which may be the very thing that is down.
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    pk = getattr(user, "pk", None)
    return pk if isinstance(pk, int) else None


class RequestLogMiddleware:
    """Times each request and logs one line about it to ``tandem.request``.

    Sits first in MIDDLEWARE so it sees the final status, including the error pages, and
    sends the request id back in ``X-Request-ID``. Other middleware may add a callback in
    ``request.observers`` (the metrics do) to learn the route, status and duration.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _GOOD_REQUEST_ID.match(offered) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            route = route_name(request)
            response.headers["X-Request-ID"] = request_id
            request_log.info(
                "request",
                extra={
                    "route": route,
                    "method": request.method,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                    "user_id": _user_id(request),
                },
            )
            for observe in _observers:
                observe(request.method or "", route, response.status_code, duration)
            return response
        finally:
            _request_id.reset(token)


# Filled by tandem.lib.metrics at import, so logging does not depend on prometheus_client.
_observers: list[Callable[[str, str, int, float], None]] = []


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record logged while a request is being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


# The attributes every LogRecord has; anything else was passed in ``extra``.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}
# django.request and django.security put the request path in their message ("Not Found:
# /bookings/link/<token>/"); those records are logged with their route instead.
_PATH_LOGGERS = ("django.request", "django.security", "django.server")


_PHRASES = {status.value for status in HTTPStatus}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and ``extra``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        request = record.__dict__.get("request")
        if record.name.startswith(_PATH_LOGGERS) and isinstance(request, HttpRequest):
            status = record.__dict__.get("status_code")
            line["message"] = HTTPStatus(status).phrase if status in _PHRASES else "request"
            line["route"] = route_name(request)
        else:
            line["message"] = record.getMessage()
        request_id = getattr(record, "request_id", "") or current_request_id()
        if request_id:
            line["request_id"] = request_id
        for name, value in record.__dict__.items():
            if name not in _STANDARD and name not in line and name != "request":
                line[name] = (
                    value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
                )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
