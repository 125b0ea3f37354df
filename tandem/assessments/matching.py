"""A person's saved results, offered to the directory's match page through its seam.

The directory sits below the checks and never imports them: ``AssessmentsConfig.ready``
registers :func:`results_for_matching` with ``tandem.directory.hooks``, and the match page
starts from the newest of these results and lets the person choose another, or none.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tandem.assessments.models import Response
from tandem.directory.hooks import SavedResult
from tandem.instruments import library

__all__ = ["MOST_RESULTS", "results_for_matching"]

#: The match page offers at most this many, newest first.
MOST_RESULTS = 20


def results_for_matching(user: Any) -> list[SavedResult]:
    """``user``'s finished, saved results, newest first."""
    titles = {instrument.slug: instrument.title for instrument in library.all()}
    responses = (
        Response.objects.completed().owned_by(user).order_by("-completed_at", "-pk")[:MOST_RESULTS]
    )
    return [
        SavedResult(
            key=str(response.public_id),
            title=titles.get(response.instrument_slug, response.instrument_slug),
            completed_at=response.completed_at,
            result=response.result or {},
            url=reverse("assessments:result", args=[response.public_id]),
        )
        for response in responses
        if response.completed_at is not None
    ]
