from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
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


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: rendered from settings alone, since the database may be what failed."""
    html = loader.get_template("500.html").render(
        {"QUICK_EXIT_URL": settings.QUICK_EXIT_URL, "HELPLINES": settings.HELPLINES}
    )
    return HttpResponseServerError(html)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form, explained in the site's own shell (quick exit and crisis lines)."""
    return render(request, "403_csrf.html", status=403)
