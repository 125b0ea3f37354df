"""One page of a check, rendered for whichever part of Tandem asks someone a check.

The checks' own pages and the couple check (``tandem.couples``) show the same questions with
the same form; only where the form posts to and where the breadcrumb leads differ.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from tandem.assessments.flow import CheckFlow, FlowSection
from tandem.assessments.forms import ACTION_FIELD, Action, SectionForm
from tandem.instruments import Item

__all__ = ["UNANSWERED", "form_problems", "question_html", "section_page"]

UNANSWERED = "Choose an answer for this question."
QUESTION_TEMPLATE = "assessments/_question.html"

#: One question's fieldset for each answer it can have (``None``: not answered), by instrument
#: slug and version, section, item, number on the page and language. The key and the HTML hold
#: only the instrument's own text, the same for everyone: a person's answer only picks one of
#: the variants, so nothing of anyone's answers is kept. An instrument's text cannot change
#: without a new version (DESIGN.md section 4), so entries never go stale; there are as many as
#: the library has questions, so the mapping stays small. Per process rather than in the shared
#: cache: a lookup here is a dictionary access, one in Redis a round trip and an unpickling.
_QUESTIONS: dict[tuple[Any, ...], dict[int | None, SafeString]] = {}


def _render_question(
    flow_section: FlowSection, item: Item, number: int, value: int | None, error: str
) -> SafeString:
    options = [
        {
            "id": f"q-{item.id}-{position}",
            "value": str(option.value),
            "label": option.label,
            "checked": value == option.value,
        }
        for position, option in enumerate(item.response.options)
    ]
    return SafeString(
        get_template(QUESTION_TEMPLATE).render(
            {
                "item": item,
                "number": str(number),
                "value": value,
                "options": options,
                "is_scale": len(options) > 3,
                "error": error,
                "answers_required": flow_section.answers_required,
            }
        )
    )


def question_html(
    flow_section: FlowSection, item: Item, number: int, value: int | None, error: str = ""
) -> SafeString:
    """One question's fieldset, with ``value`` checked and ``error`` (if any) shown.

    A question without an error is rendered once per process for each of its answers
    (``_QUESTIONS``); one with an error, or with a value it does not offer, every time.
    """
    if error:
        return _render_question(flow_section, item, number, value, error)
    owner = flow_section.owner
    key = (owner.slug, owner.version, flow_section.id, item.id, number, get_language())
    variants = _QUESTIONS.get(key)
    if variants is None:
        variants = {
            answer: _render_question(flow_section, item, number, answer, "")
            for answer in (None, *item.response.values)
        }
        _QUESTIONS[key] = variants
    html = variants.get(value)
    if html is None:
        return _render_question(flow_section, item, number, value, "")
    return html


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
        error = errors.get(item.id, "")
        questions.append(
            {
                "number": str(number),
                "item": item,
                "error": error,
                "html": question_html(flow_section, item, number, answers.get(item.id), error),
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
