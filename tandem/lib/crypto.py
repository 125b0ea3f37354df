"""Encryption of personal data at rest with Fernet.

``FIELD_ENCRYPTION_KEYS`` holds one or more keys, newest first. Text is always encrypted with
the newest key and can be read with any of them, so a key can be rotated by putting a new one
first, re-encrypting what is stored, and then dropping the old one.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "encrypt", "rotate"]


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be url-safe base64 Fernet keys of 32 bytes."
        ) from exc


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    """Encrypt ``text`` with the newest key; returns a url-safe token."""
    return _current().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt a token made with any configured key. Raises ``InvalidToken`` otherwise."""
    return _current().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key, keeping its original timestamp."""
    return _current().rotate(token.encode()).decode()
