"""One page of a check, rendered for whichever part of Tandem asks someone a check.

The checks' own pages and the couple check (``tandem.couples``) show the same questions with
the same form; only where the form posts to and where the breadcrumb leads differ.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.assessments.flow import CheckFlow, FlowSection
from tandem.assessments.forms import ACTION_FIELD, Action, SectionForm

__all__ = ["UNANSWERED", "form_problems", "section_page"]

UNANSWERED = "Choose an answer for this question."


def form_problems(
    form: SectionForm, saved: dict[str, int | None]
) -> tuple[dict[str, str], dict[str, int | None], str]:
    """What an invalid page says: each question's error, the answers to show again, and the
    page's own error (unknown fields or buttons). Nothing from such a page is saved."""
    errors = {
        name: " ".join(str(error) for error in form.errors[name])
        for name in form.errors
        if name not in ("__all__", ACTION_FIELD)
    }
    shown = {**saved, **{k: v for k, v in form.cleaned_data.items() if k not in errors}}
    form_error = " ".join(
        str(error) for error in [*form.non_field_errors(), *form.errors.get(ACTION_FIELD, [])]
    )
    return errors, shown, form_error


def section_page(
    request: HttpRequest,
    flow: CheckFlow,
    flow_section: FlowSection,
    answers: dict[str, int | None],
    *,
    action_url: str,
    breadcrumb_url: str,
    breadcrumb: str = "",
    errors: dict[str, str] | None = None,
    form_error: str = "",
    status: int = 200,
) -> HttpResponse:
    errors = errors or {}
    questions = []
    for number, item in enumerate(flow_section.items, start=1):
        value = answers.get(item.id)
        # Ids and values come ready as text: the page is on the hot path, and a template
        # spends more on looking up and localising each number than on the rest of an option.
        options = [
            {
                "id": f"q-{item.id}-{position}",
                "value": str(option.value),
                "label": option.label,
                "checked": value == option.value,
            }
            for position, option in enumerate(item.response.options)
        ]
        questions.append(
            {
                "number": str(number),
                "item": item,
                "value": value,
                "options": options,
                "is_scale": len(options) > 3,
                "error": errors.get(item.id, ""),
            }
        )
    previous = flow.before(flow_section)
    return render(
        request,
        "assessments/section.html",
        {
            "flow": flow,
            "instrument": flow.instrument,
            "section": flow_section,
            "questions": questions,
            "errors": [question for question in questions if question["error"]],
            "form_error": form_error,
            "is_last": flow.after(flow_section) is None,
            "previous": previous,
            "action_field": ACTION_FIELD,
            "actions": Action,
            "action_url": action_url,
            "breadcrumb_url": breadcrumb_url,
            "breadcrumb": breadcrumb or flow.instrument.title,
            "total": len(flow.sections),
            "gentle_safety_intro": flow_section.is_companion and bool(flow_section.owner.flags),
        },
        status=status,
    )
