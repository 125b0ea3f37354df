from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Paths a therapist or staff member without MFA may still use: their own account pages
# (where MFA is set up), static files, the health check and the crisis help page.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/help/")


class RequireMFAForStaffRolesMiddleware:
    """Therapists and staff reach nothing that shows other people's data until MFA is on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "needs_mfa", False)
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and not is_mfa_enabled(user)
        ):
            messages.info(
                request,
                "Please set up two-step verification first: your role lets you see other "
                "people's information, so your account needs more than a password.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
