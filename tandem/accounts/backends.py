from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from tandem.accounts.models import Role

# What each staff role may manage in the admin, by app label. Administrators are superusers.
ROLE_APPS: dict[str, frozenset[str]] = {
    Role.EDITOR: frozenset({"journal"}),
    Role.VERIFIER: frozenset({"directory"}),
}


class RolePermissionBackend(BaseBackend):
    """Grants model permissions from the user's role instead of per-user permission rows.

    It never authenticates anyone; allauth's backend does that.
    """

    def _apps(self, user_obj: Any) -> frozenset[str]:
        if not getattr(user_obj, "is_active", False):
            return frozenset()
        return ROLE_APPS.get(getattr(user_obj, "role", ""), frozenset())

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm.split(".", 1)[0] in self._apps(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return app_label in self._apps(user_obj)
