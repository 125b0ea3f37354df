"""Typed readers for environment variables.

Each helper returns the default when the variable is unset or empty, and raises
``ImproperlyConfigured`` naming the variable when its value cannot be used, so a typo in a
deployment stops the process at start-up instead of surfacing as odd behaviour later.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "env_bool",
    "env_choice",
    "env_email_url",
    "env_fernet_keys",
    "env_int",
    "env_json",
    "env_list",
    "env_str",
]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, *, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, *, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of true/false/1/0/yes/no/on/off, not {value!r}."
    )


def env_int(name: str, *, default: int, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, *, default: Sequence[str]) -> list[str]:
    """A comma-separated list; blank entries are dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [part.strip() for part in value.split(",") if part.strip()]


def env_choice(name: str, choices: Sequence[str], *, default: str) -> str:
    value = _raw(name)
    if value is None:
        return default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_json(name: str, *, default: Any) -> Any:
    value = _raw(name)
    if value is None:
        return default
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{name} must be valid JSON: {exc}.") from None


def env_fernet_keys(name: str, *, default: Sequence[str]) -> list[str]:
    """A comma-separated list of Fernet keys, each checked now rather than at the first save.

    The message names the variable and the key's place in the list, never the key itself.
    """
    from cryptography.fernet import Fernet

    keys = env_list(name, default=default)
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 bytes in url-safe base64). "
                'Make one with: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            ) from None
    return keys


# scheme: (port when none is given, STARTTLS, implicit TLS)
_EMAIL_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+tls": (587, True, False),
    "smtp+ssl": (465, False, True),
}


def env_email_url(name: str) -> dict[str, Any] | None:
    """Django's ``EMAIL_*`` settings from one URL, or ``None`` when the variable is unset.

    ``smtp+tls://user:password@host:587`` (STARTTLS), ``smtp+ssl://…`` (TLS from the start,
    port 465 by default) or ``smtp://…`` (plain, for a relay on a private network). The user
    and password are percent-decoded, so ``%40`` and ``%2F`` stand for ``@`` and ``/``.

    >>> env_email_url("UNSET_VARIABLE") is None
    True
    """
    value = _raw(name)
    if value is None:
        return None
    schemes = ", ".join(f"{scheme}://" for scheme in _EMAIL_SCHEMES)
    url = urlsplit(value)
    if url.scheme not in _EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must start with one of {schemes} "
            "(for example smtp+tls://user:password@host:587)."
        )
    try:
        port = url.port
    except ValueError:
        port = -1
    if not url.hostname or port == -1:
        raise ImproperlyConfigured(
            f"{name} must name a host and, if any, a numeric port "
            "(for example smtp+tls://user:password@host:587)."
        )
    default_port, use_tls, use_ssl = _EMAIL_SCHEMES[url.scheme]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": url.hostname,
        "EMAIL_PORT": port or default_port,
        "EMAIL_HOST_USER": unquote(url.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(url.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
