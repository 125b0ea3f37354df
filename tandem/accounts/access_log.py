"""The "who saw my data" log: one row for every read of a person's data by someone else.

Apps that show a person's data to anyone but that person (a therapist's practice, staff
tools) call :func:`record_access` for each read; the person sees the rows on "My data" and
in their export.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from tandem.accounts.models import AccessKind, AccessLog, User

__all__ = [
    "AccessKind",
    "erase_access_log",
    "export_access_log",
    "record_access",
    "record_accesses",
]


def _row(
    subject_id: int, viewer: User, kind: str, detail: str, consent_id: int | None, at: datetime
) -> AccessLog:
    if kind not in AccessKind.values:
        raise ValueError(f"unknown kind of access {kind!r}")
    return AccessLog(
        subject_id=subject_id,
        viewer=viewer,
        viewer_name=viewer.name or viewer.email,
        viewer_role=viewer.role,
        kind=kind,
        detail=detail[:200],
        consent_id=consent_id,
        at=at,
    )


def record_access(
    *,
    subject: User,
    viewer: User,
    kind: str,
    detail: str = "",
    consent_id: int | None = None,
) -> AccessLog:
    """Write one row: ``viewer`` read ``kind`` of ``subject``'s data, relying on a consent."""
    row = _row(subject.pk, viewer, kind, detail, consent_id, timezone.now())
    row.save()
    return row


def record_accesses(
    *, viewer: User, kind: str, reads: Iterable[tuple[int, int | None, str]]
) -> int:
    """Write one row for each (subject id, consent id, detail) in ``reads``, in one query.

    For a page that shows several people's data at once, such as a caseload.
    """
    now = timezone.now()
    rows = [
        _row(subject_id, viewer, kind, detail, consent, now)
        for subject_id, consent, detail in reads
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def export_access_log(user: User) -> list[dict[str, Any]]:
    return [
        {
            "at": row.at.isoformat(),
            "who": row.viewer_name,
            "role": row.viewer_role,
            "what": row.kind,
            "detail": row.detail,
            "consent_id": row.consent_id,
        }
        for row in AccessLog.objects.filter(subject=user).order_by("at", "pk")
    ]


def erase_access_log(user: User) -> None:
    # The person's own log goes with them; rows where they were the reader stay for the
    # people they read about, with the copied name (the link empties itself).
    AccessLog.objects.filter(subject=user).delete()
