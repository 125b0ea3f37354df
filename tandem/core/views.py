from __future__ import annotations

import sys

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from tandem.accounts.adapter import SIGNUP_ROLE_SESSION_KEY
from tandem.accounts.models import Role


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_safe
def help_now(request: HttpRequest) -> HttpResponse:
    return render(request, "core/help.html")


@require_http_methods(["GET", "POST"])
def for_therapists(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # Remembered for the sign-up form that follows; see AccountAdapter.save_user.
        request.session[SIGNUP_ROLE_SESSION_KEY] = Role.THERAPIST
        return redirect("account_signup")
    return render(request, "core/for_therapists.html")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "not answering"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# Seconds a browser or proxy is told to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30


# Set once this process has seen every migration applied: code cannot un-apply them.
_migrations_applied = False


def _unapplied_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready for traffic: the database answers, the cache answers, and no migration is pending.

    A load balancer sends requests only to a server that is ready; /healthz, which asks only
    the database, stays the cheaper liveness probe.
    """
    global _migrations_applied
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "not answering"
    try:
        probe = f"readyz:{id(request)}"
        cache.set(probe, "1", timeout=10)
        checks["cache"] = "ok" if cache.get(probe) == "1" else "not storing"
        cache.delete(probe)
    except Exception:  # the Redis client raises its own ConnectionError, TimeoutError, ...
        checks["cache"] = "not answering"
    if checks["database"] == "ok" and not _migrations_applied:
        try:
            pending = _unapplied_migrations()
        except DatabaseError:
            checks["migrations"] = "unknown"
        else:
            _migrations_applied = pending == 0
            checks["migrations"] = "ok" if pending == 0 else f"{pending} not applied"
    elif _migrations_applied:
        checks["migrations"] = "ok"
    else:
        checks["migrations"] = "unknown"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: rendered from settings alone, since the database may be what failed.

    When the error is the database not answering (stopped, restarting, failing over, its
    pool exhausted), it is a 503 saying so, with Retry-After: the page is the same shell, and
    nothing about the failure is shown.
    """
    unavailable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    html = loader.get_template("500.html").render(
        {
            "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
            "HELPLINES": settings.HELPLINES,
            "unavailable": unavailable,
        }
    )
    if unavailable:
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(html)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form, explained in the site's own shell (quick exit and crisis lines)."""
    return render(request, "403_csrf.html", status=403)
