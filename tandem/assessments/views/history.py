"""A person's own checks, and each scale's change over time."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tandem.assessments.charts import history_chart
from tandem.assessments.models import Response

#: In the visitor's session: public id of each anonymous response -> its claim token.
from tandem.assessments.views.access import (
    flow_or_404,
)
from tandem.instruments import UnknownInstrument, library


@never_cache
@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    responses = list(
        Response.objects.owned_by(request.user).order_by("-completed_at", "-started_at")
    )
    titles = {instrument.slug: instrument.title for instrument in library.all()}
    for response in responses:
        response.title = titles.get(response.instrument_slug, response.instrument_slug)  # type: ignore[attr-defined]
    completed = [r for r in responses if r.is_completed]
    unfinished = [r for r in responses if not r.is_completed]
    history_links = sorted(
        {(r.instrument_slug, titles.get(r.instrument_slug, "")) for r in completed}
    )
    return render(
        request,
        "assessments/mine.html",
        {"completed": completed, "unfinished": unfinished, "history_links": history_links},
    )


def _change(
    flow_slug: str, version: int, scale: str, before: float, after: float
) -> tuple[bool | None, str]:
    try:
        change = library.get(flow_slug, version).reliable_change(scale, before, after)
    except (KeyError, UnknownInstrument):
        return None, ""
    return change.reliable, change.direction


@never_cache
@login_required
@require_safe
def history(request: HttpRequest, slug: str) -> HttpResponse:
    flow = flow_or_404(slug)
    responses = list(
        Response.objects.completed()
        .owned_by(request.user)
        .filter(instrument_slug=slug)
        .order_by("completed_at", "pk")
    )
    charts = []
    for key, scale in flow.instrument.scales.items():
        series: list[tuple[Any, float | None, bool, str]] = []
        rows = []
        previous: float | None = None
        for response in responses:
            score = response.scale_scores.get(key)
            reliable: bool | None = None
            direction = ""
            if score is not None and previous is not None:
                reliable, direction = _change(
                    slug, response.instrument_version, key, previous, score
                )
            series.append(
                (response.completed_at, score, bool(reliable), direction if reliable else "")
            )
            rows.append(
                {
                    "response": response,
                    "score": None if score is None else round(score),
                    "difference": None
                    if score is None or previous is None
                    else round(score - previous),
                    "reliable": reliable,
                    "direction": direction,
                }
            )
            if score is not None:
                previous = score
        charts.append(
            {"chart": history_chart(key, scale.title, series), "rows": rows, "scale": scale}
        )
    return render(
        request,
        "assessments/history.html",
        {
            "flow": flow,
            "instrument": flow.instrument,
            "responses": responses,
            "last_completed": responses[-1].completed_at if responses else None,
            "charts": charts,
        },
    )
