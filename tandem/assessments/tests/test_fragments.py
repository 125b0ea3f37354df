"""What the check's pages keep between requests is the same for everyone, never a person's."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils.html import escape

from tandem.assessments import pages, presentation
from tandem.assessments.flow import check_flow
from tandem.assessments.tests.helpers import complete_check, section_post, section_url
from tandem.instruments import library

SLUG = "relating-styles"

pytestmark = pytest.mark.django_db


def _checked(html: str) -> dict[str, str]:
    """Each question's checked value on a section page (``""``: "I would rather not say")."""
    return dict(
        re.findall(r'<input type="radio" name="([^"]+)" id="[^"]+" value="([^"]*)" checked>', html)
    )


def _save(http: Client, section_id: str, answers: dict[str, int]) -> None:
    reply = http.post(
        section_url(SLUG, section_id), section_post(SLUG, section_id, answers, "save")
    )
    assert reply.status_code == 302


def test_each_visitor_sees_their_own_saved_answers_after_the_page_was_built_for_another():
    flow_section = check_flow(SLUG).section("safety")
    assert flow_section is not None
    items = flow_section.items
    first = {item.id: item.response.values[0] for item in items}
    second = {item.id: item.response.values[-1] for item in items}
    alice, bob = Client(), Client()
    _save(alice, "safety", first)
    _save(bob, "safety", second)

    alice_page = alice.get(section_url(SLUG, "safety")).content.decode()
    bob_page = bob.get(section_url(SLUG, "safety")).content.decode()
    nobody_page = Client().get(section_url(SLUG, "safety")).content.decode()

    assert _checked(alice_page) == {item_id: str(value) for item_id, value in first.items()}
    assert _checked(bob_page) == {item_id: str(value) for item_id, value in second.items()}
    # A visitor with no answers sees every question unanswered ("I would rather not say").
    assert _checked(nobody_page) == {item.id: "" for item in items}


def test_a_question_with_an_error_shows_it_without_reaching_the_next_person():
    flow_section = check_flow(SLUG).first
    item = flow_section.items[0]

    with_error = pages.question_html(flow_section, item, 1, None, "Choose an answer.")
    without = pages.question_html(flow_section, item, 1, None)

    assert "Choose an answer." in with_error and "question--error" in with_error
    assert "Choose an answer." not in without and "question--error" not in without


def test_a_new_version_of_an_instrument_gets_its_own_questions():
    flow_section = check_flow(SLUG).first
    item = flow_section.items[0]
    pages.question_html(flow_section, item, 1, None)  # version 1, kept for this process
    reworded = dataclasses.replace(item, text="A question reworded in a later version")
    owner = flow_section.owner
    later = dataclasses.replace(
        flow_section,
        owner=dataclasses.replace(owner, version=owner.version + 1),
        section=dataclasses.replace(
            flow_section.section, items=(reworded, *flow_section.items[1:])
        ),
    )

    assert "A question reworded in a later version" in pages.question_html(later, reworded, 1, None)
    assert item.text in pages.question_html(flow_section, item, 1, None)


def test_a_value_the_question_does_not_offer_is_shown_unchecked_and_not_kept():
    flow_section = check_flow(SLUG).first
    item = flow_section.items[0]
    before = len(pages._QUESTIONS)

    html = pages.question_html(flow_section, item, 1, 999)

    assert " checked" not in html
    assert all(999 not in variants for variants in pages._QUESTIONS.values())
    assert len(pages._QUESTIONS) <= before + 1


def _scores(html: str) -> list[str]:
    return re.findall(r'<span class="figures__label">Score: </span>([^<]*)</td>', html)


def test_two_visitors_results_show_each_their_own_scores_and_plan():
    high, low = Client(), Client()
    high_url = complete_check(high, lean="high")
    low_url = complete_check(low, lean="low")
    high.get(high_url)  # the result page is built once for one person before the other's

    high_page = high.get(high_url).content.decode()
    low_page = low.get(low_url).content.decode()

    scales = check_flow(SLUG).instrument.scales
    assert _scores(high_page)[: len(scales)] == ["100"] * len(scales)
    assert _scores(low_page)[: len(scales)] == ["0"] * len(scales)
    assert low.get(high_url).status_code == 404  # and neither can open the other's


def test_the_scales_table_escapes_what_it_shows_from_a_result():
    view = presentation.result_view(
        {
            "instrument": {"slug": SLUG, "title": "A check"},
            "scales": {
                "x": {
                    "title": "<b>bold</b>",
                    "description": "a & b",
                    "score": None,
                    "not_scored_reason": "<i>few</i>",
                }
            },
        }
    )

    html = presentation.scales_table_html(view)

    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "a &amp; b" in html
    assert "&lt;i&gt;few&lt;/i&gt;" in html and "<b>" not in html and "<i>" not in html
    assert "Not scored" in html


def _plan_html(reasons: list[str]) -> str:
    view = presentation.result_view(
        {
            "instrument": {"slug": SLUG, "title": "A check"},
            "plan": [{"strategy": "self_esteem", "reasons": reasons}],
        }
    )
    return render_to_string("assessments/_plan.html", {"view": view})


def test_a_plan_step_shows_the_strategys_guidance_with_each_persons_own_reasons():
    strategy = library.strategies()["self_esteem"]

    first = _plan_html(["Your self-worth score is low."])
    second = _plan_html(["You said you rarely ask for help."])

    for html in (first, second):
        assert escape(strategy.why) in html
        assert all(escape(exercise) in html for exercise in strategy.exercises)
    assert "Your self-worth score is low." in first and "rarely ask" not in first
    assert "rarely ask" in second and "self-worth score is low" not in second
