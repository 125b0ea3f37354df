from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from tandem.accounts.models import Role

SIGNUP_ROLE_SESSION_KEY = "tandem_signup_role"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # Therapists start from the "for therapists" page, which records the choice in the
        # session; every other sign-up is a client. Staff roles are only ever given by staff.
        if request.session.get(SIGNUP_ROLE_SESSION_KEY) == Role.THERAPIST:
            user.role = Role.THERAPIST
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # allauth builds its links from the request's host; every link Tandem sends must
        # come from SITE_URL instead, like the booking and journal emails (settings.py).
        on_site = {
            key: _on_site(value) if isinstance(value, str) and _is_absolute(value) else value
            for key, value in context.items()
        }
        on_site.update(SITE_NAME=settings.SITE_NAME, SITE_URL=settings.SITE_URL)
        super().send_mail(template_prefix, email, on_site)


def _is_absolute(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _on_site(url: str) -> str:
    """``url``'s path and query on SITE_URL's scheme and host."""
    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    path = site.path.rstrip("/") + parts.path
    return urlunsplit((site.scheme, site.netloc, path, parts.query, parts.fragment))
