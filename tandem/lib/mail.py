"""Emails made of three templates: ``<name>-subject.txt``, ``<name>.txt`` and ``<name>.html``.

Each app keeps one function per email in its ``emails.py``; this is what they share.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

__all__ = ["absolute_url", "templated_email"]


def absolute_url(path: str) -> str:
    """``path`` on this site, as a link an email can carry."""
    return settings.SITE_URL.rstrip("/") + path


def templated_email(name: str, context: dict[str, Any], to: str) -> EmailMultiAlternatives:
    """The email rendered from ``<name>-subject.txt``, ``<name>.txt`` and ``<name>.html``
    (``name`` as ``"journal/emails/comment-received"``), with ``SITE_NAME`` in the context.
    Not sent yet, so a caller can attach a file first: call ``.send()``."""
    context = {"SITE_NAME": settings.SITE_NAME, **context}
    subject = render_to_string(f"{name}-subject.txt", context)
    text = render_to_string(f"{name}.txt", context)
    html = render_to_string(f"{name}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[to])
    message.attach_alternative(html, "text/html")
    return message
