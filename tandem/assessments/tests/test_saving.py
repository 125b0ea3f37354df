from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.assessments import services
from tandem.assessments.flow import check_flow
from tandem.assessments.models import Response
from tandem.assessments.tests.helpers import answers_for

SLUG = "relating-styles"

pytestmark = pytest.mark.django_db


def _section_answers(flow_section, answers):
    return {item.id: answers[item.id] for item in flow_section.items}


def _started(client_user):
    return services.start_response(flow=check_flow(SLUG), owner=client_user, claim_token=None)


def test_the_usual_save_is_a_single_update_without_a_lock(client_user):
    flow = check_flow(SLUG)
    response = _started(client_user)
    answers = answers_for(SLUG)

    with CaptureQueriesContext(connection) as queries:
        merged, completed = services.save_section_answers(
            response=response,
            section=flow.first,
            answers=_section_answers(flow.first, answers),
        )

    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["UPDATE"]
    assert not completed
    assert Response.objects.get().answers == merged
    assert response.answers == merged  # the caller's copy is up to date


def test_a_save_from_a_copy_read_before_another_save_keeps_both_sections(client_user):
    flow = check_flow(SLUG)
    response = _started(client_user)
    first_tab, second_tab = Response.objects.get(), Response.objects.get()
    answers = answers_for(SLUG)
    second = flow.after(flow.first)
    assert second is not None

    services.save_section_answers(
        response=first_tab, section=flow.first, answers=_section_answers(flow.first, answers)
    )
    merged, _ = services.save_section_answers(
        response=second_tab, section=second, answers=_section_answers(second, answers)
    )

    saved = Response.objects.get(pk=response.pk).answers
    assert saved == merged
    for item in (*flow.first.items, *second.items):
        assert saved[item.id] == answers[item.id]


def test_a_response_completed_meanwhile_is_not_completed_again(client_user):
    flow = check_flow(SLUG)
    response = _started(client_user)
    answers = answers_for(SLUG)
    for flow_section in flow.sections[:-1]:
        services.save_section_answers(
            response=response,
            section=flow_section,
            answers=_section_answers(flow_section, answers),
        )
    double_click = Response.objects.get()

    _, completed = services.save_section_answers(
        response=response,
        section=flow.last,
        answers=_section_answers(flow.last, answers),
        finish=flow,
    )
    finished = Response.objects.get()
    with pytest.raises(ValueError, match="completed"):
        services.save_section_answers(
            response=double_click,
            section=flow.last,
            answers=_section_answers(flow.last, answers),
            finish=flow,
        )

    assert completed and finished.is_completed
    again = Response.objects.get()
    assert (again.completed_at, again.result_encrypted) == (
        finished.completed_at,
        finished.result_encrypted,
    )
