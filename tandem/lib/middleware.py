import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set.

    Permissions-Policy turns off browser features the site never uses, so an injected script
    could not reach the camera or location of someone reading about their relationship.
    """

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        return response


class SessionIdleRefreshMiddleware:
    """Pushes a session's expiry forward on activity, at most once a minute.

    Sessions end ``SESSION_COOKIE_AGE`` after the last save. Saving on every request
    (``SESSION_SAVE_EVERY_REQUEST``) would keep that exact, at the price of a database write
    per page and of concurrent requests overwriting each other's session changes. Instead, a
    request saves the session only when something in it changed or it was last saved
    ``REFRESH_SECONDS`` or more ago, so a session ends between ``SESSION_COOKIE_AGE`` minus a
    minute and ``SESSION_COOKIE_AGE`` after the last activity. It never creates a session for a
    visitor who has none. Sits just after SessionMiddleware, which does the saving.
    """

    REFRESH_SECONDS = 60
    SESSION_KEY = "_refreshed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not (session.session_key or session.modified):
            return response  # no session cookie and nothing to store: nothing to extend
        refreshed_at = session.get(self.SESSION_KEY)  # loads an unread session: one SELECT
        if session.is_empty():
            return response  # expired, unknown or just flushed (signing out)
        now = int(time.time())
        if (
            session.modified
            or not isinstance(refreshed_at, int)
            or not 0 <= now - refreshed_at < self.REFRESH_SECONDS
        ):
            session[self.SESSION_KEY] = now  # marks it modified: SessionMiddleware saves it
        return response
