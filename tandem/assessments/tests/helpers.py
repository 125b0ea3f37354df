"""Answering checks in tests: through the real pages, section by section."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from tandem.assessments.flow import check_flow
from tandem.assessments.forms import ACTION_FIELD


def answers_for(
    slug: str, *, value: int | None = None, lean: str = "", safety: bool = False
) -> dict[str, int]:
    """An answer to every question of a check: ``value`` (or each scale's middle option) for
    the instrument's items, and no (or yes) to every safety question. ``lean="high"`` or
    ``"low"`` answers so that every scale scores 100 or 0 (reverse keying taken into account)."""
    answers: dict[str, int] = {}
    for flow_section in check_flow(slug).sections:
        for item in flow_section.items:
            values = item.response.values
            if flow_section.is_companion:
                answers[item.id] = values[-1] if safety else values[0]
            elif lean:
                answers[item.id] = max(values) if (lean == "high") != item.reverse else min(values)
            elif value is not None and value in values:
                answers[item.id] = value
            else:
                answers[item.id] = values[len(values) // 2]
    return answers


def section_post(
    slug: str, section_id: str, answers: dict[str, Any], action: str = "next"
) -> dict[str, Any]:
    flow_section = check_flow(slug).section(section_id)
    assert flow_section is not None
    data: dict[str, Any] = {ACTION_FIELD: action}
    for item in flow_section.items:
        if item.id in answers and answers[item.id] is not None:
            data[item.id] = str(answers[item.id])
    return data


def section_url(slug: str, section_id: str) -> str:
    return reverse("assessments:section", args=[slug, section_id])


def take_check(http: Client, slug: str, answers: dict[str, Any]) -> Any:
    """Answer every section with Next; returns the last response (a redirect to the result)."""
    response = None
    for flow_section in check_flow(slug).sections:
        response = http.post(
            section_url(slug, flow_section.id), section_post(slug, flow_section.id, answers)
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    return response


def complete_check(http: Client, slug: str = "relating-styles", **kwargs: Any) -> str:
    """Take a whole check; returns the result page's URL."""
    response = take_check(http, slug, answers_for(slug, **kwargs))
    assert "/checks/results/" in response["Location"]
    return str(response["Location"])
