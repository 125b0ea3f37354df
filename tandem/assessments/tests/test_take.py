from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.assessments.flow import check_flow
from tandem.assessments.forms import ACTION_FIELD
from tandem.assessments.models import Response, ResponseStatus
from tandem.assessments.tests.helpers import (
    answers_for,
    complete_check,
    section_post,
    section_url,
)
from tandem.conftest import client_for

SLUG = "relating-styles"


def first_section_ids() -> list[str]:
    return [section.id for section in check_flow(SLUG).sections]


@pytest.mark.django_db
def test_the_index_lists_each_check_with_what_it_tells_you_and_how_long_it_takes(anonymous):
    page = anonymous.get(reverse("assessments:index"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Relating Styles Inventory" in text
    assert "Healthy Relationship Check" in text
    assert "Couple Balance Check" in text
    assert "About 10 minutes" in text
    # The safety questions are part of other checks, not a check of their own.
    assert 'href="/checks/safety/"' not in text


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["relating-styles", "healthy-relationship", "couple-balance"])
def test_the_paths_the_journal_links_to_work(anonymous, slug):
    page = anonymous.get(f"/checks/{slug}/")
    assert page.status_code == 200
    assert "self-reflection, not a diagnosis" in page.content.decode()
    assert "Start the check" in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_check_is_a_404_with_a_message(anonymous):
    page = anonymous.get("/checks/no-such-check/")
    assert page.status_code == 404
    assert anonymous.get(section_url("no-such-check", "you")).status_code == 404
    assert anonymous.get("/checks/safety/").status_code == 404


@pytest.mark.django_db
def test_a_section_that_does_not_exist_is_a_404(anonymous):
    assert anonymous.get(section_url(SLUG, "nowhere")).status_code == 404
    posted = anonymous.post(section_url(SLUG, "nowhere"), {ACTION_FIELD: "next"})
    assert posted.status_code == 404
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_each_question_is_a_fieldset_with_labelled_answers_and_a_progress_indicator(anonymous):
    page = anonymous.get(section_url(SLUG, "you"))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("<fieldset") == 12
    assert "I can usually sort out everyday problems" in text.split("<legend")[1]
    assert '<label for="q-sr1-0">Strongly disagree</label>' in text
    assert "Section 1 of 5" in text
    assert '<progress id="check-progress" max="5" value="1">' in text


@pytest.mark.django_db
def test_viewing_a_section_creates_nothing(anonymous):
    anonymous.get(section_url(SLUG, "you"))
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_next_with_unanswered_questions_saves_what_was_given_and_names_each_missing_one(anonymous):
    answers = answers_for(SLUG)
    partial = {key: value for key, value in answers.items() if key not in ("sr1", "sw4")}
    page = anonymous.post(section_url(SLUG, "you"), section_post(SLUG, "you", partial))
    text = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in text
    assert 'href="#q-sr1-0"' in text and 'href="#q-sw4-0"' in text
    assert 'aria-describedby="q-sr1-error"' in text
    assert 'id="q-sr1-error"' in text
    assert text.count("Choose an answer for this question.") == 2
    assert "Question 1 needs an answer" in text and "Question 11 needs an answer" in text
    response = Response.objects.get()
    assert response.answers["sw1"] == answers["sw1"]
    assert response.answers["sr1"] is None


@pytest.mark.django_db
def test_back_saves_without_checking_and_forward_shows_the_answers_again(anonymous):
    answers = answers_for(SLUG, value=4)
    anonymous.post(section_url(SLUG, "you"), section_post(SLUG, "you", answers))
    only_one = {"os1": 2}
    back = anonymous.post(
        section_url(SLUG, "leaning"), section_post(SLUG, "leaning", only_one, action="back")
    )
    assert back.status_code == 302
    assert back["Location"] == section_url(SLUG, "you")
    you = anonymous.get(section_url(SLUG, "you")).content.decode()
    assert 'id="q-sr1-3" value="4" checked' in you
    leaning = anonymous.get(section_url(SLUG, "leaning")).content.decode()
    assert 'id="q-os1-1" value="2" checked' in leaning


@pytest.mark.django_db
def test_an_anonymous_visitor_resumes_in_the_same_session_and_only_there(anonymous, client):
    anonymous.post(section_url(SLUG, "you"), section_post(SLUG, "you", answers_for(SLUG)))
    intro = anonymous.get(reverse("assessments:take", args=[SLUG])).content.decode()
    assert "Continue where you left off" in intro
    assert "You have answered 12 of" in intro
    assert section_url(SLUG, "leaning") in intro
    stranger = client.get(reverse("assessments:take", args=[SLUG])).content.decode()
    assert "Start the check" in stranger


@pytest.mark.django_db
def test_a_signed_in_person_resumes_from_any_browser(client_user):
    first = client_for(client_user)
    first.post(section_url(SLUG, "you"), section_post(SLUG, "you", answers_for(SLUG)))
    first.post(
        section_url(SLUG, "leaning"),
        section_post(SLUG, "leaning", answers_for(SLUG), action="save"),
    )
    later = client_for(client_user).get(reverse("assessments:take", args=[SLUG]))
    assert "You have answered 24 of" in later.content.decode()
    assert section_url(SLUG, "caring") in later.content.decode()
    response = Response.objects.get()
    assert response.owner == client_user
    assert response.anonymous_claim_hash == ""


@pytest.mark.django_db
def test_save_and_finish_later_says_so(anonymous):
    page = anonymous.post(
        section_url(SLUG, "you"), section_post(SLUG, "you", {}, action="save"), follow=True
    )
    assert "Your answers are saved" in page.content.decode()


@pytest.mark.django_db
def test_the_safety_questions_come_last_introduced_gently_and_may_be_skipped(anonymous):
    flow = check_flow(SLUG)
    assert flow.last.id == "safety"
    page = anonymous.get(section_url(SLUG, "safety")).content.decode()
    assert "never shown to a partner" in page
    assert "Exit this page" in page
    assert "I would rather not say" in page
    assert "See my results" in page


@pytest.mark.django_db
def test_finishing_scores_the_check_and_opens_the_result(anonymous):
    location = complete_check(anonymous)
    response = Response.objects.get()
    assert response.status == ResponseStatus.COMPLETED
    assert location == reverse("assessments:result", args=[response.public_id])
    assert response.result["instrument"]["slug"] == SLUG
    assert response.scale_scores["self_worth"] == response.result["scales"]["self_worth"]["score"]


@pytest.mark.django_db
def test_finishing_with_an_earlier_section_incomplete_goes_back_to_it(anonymous):
    answers = answers_for(SLUG)
    for section_id in first_section_ids():
        given = (
            {k: v for k, v in answers.items() if k != "ct1"} if section_id == "caring" else answers
        )
        action = "back" if section_id == "caring" else "next"
        anonymous.post(section_url(SLUG, section_id), section_post(SLUG, section_id, given, action))
    final = anonymous.post(section_url(SLUG, "safety"), section_post(SLUG, "safety", answers))
    assert final.status_code == 302
    assert final["Location"] == section_url(SLUG, "caring") + "?incomplete=1"
    page = anonymous.get(final["Location"]).content.decode()
    assert 'id="q-ct1-error"' in page
    assert Response.objects.get().status == ResponseStatus.IN_PROGRESS


@pytest.mark.django_db
def test_tampered_values_are_refused_and_nothing_saved_is_lost(anonymous):
    answers = answers_for(SLUG, value=4)
    anonymous.post(section_url(SLUG, "you"), section_post(SLUG, "you", answers))
    before = Response.objects.get().answers
    out_of_range = section_post(SLUG, "you", answers)
    out_of_range["sr1"] = "9"
    page = anonymous.post(section_url(SLUG, "you"), out_of_range)
    assert page.status_code == 400
    assert "not one of the options" in page.content.decode()
    unknown = section_post(SLUG, "you", answers)
    unknown["zz99"] = "1"
    page = anonymous.post(section_url(SLUG, "you"), unknown)
    assert page.status_code == 400
    assert "does not ask" in page.content.decode()
    not_a_number = section_post(SLUG, "you", answers)
    not_a_number["sr2"] = "four"
    assert anonymous.post(section_url(SLUG, "you"), not_a_number).status_code == 400
    no_button = section_post(SLUG, "you", answers)
    no_button[ACTION_FIELD] = "explode"
    assert anonymous.post(section_url(SLUG, "you"), no_button).status_code == 400
    # An item of another section is also not part of this page.
    other = section_post(SLUG, "you", answers)
    other["os1"] = "1"
    assert anonymous.post(section_url(SLUG, "you"), other).status_code == 400
    assert Response.objects.get().answers == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("assessments:index", [], "post"),
        ("assessments:take", [SLUG], "post"),
        ("assessments:section", [SLUG, "you"], "put"),
        ("assessments:section", [SLUG, "you"], "delete"),
    ],
)
def test_wrong_methods_are_refused(anonymous, name, args, method):
    assert getattr(anonymous, method)(reverse(name, args=args)).status_code == 405


@pytest.mark.django_db
def test_the_index_offers_to_continue_an_unfinished_check(client_user):
    http = client_for(client_user)
    http.post(section_url(SLUG, "you"), section_post(SLUG, "you", {}, action="save"))
    page = http.get(reverse("assessments:index")).content.decode()
    assert 'Continue<span class="visually-hidden"> the Relating Styles Inventory' in page


@pytest.mark.django_db
def test_a_person_who_signs_in_mid_check_carries_on_with_their_answers(anonymous, client_user):
    anonymous.post(section_url(SLUG, "you"), section_post(SLUG, "you", answers_for(SLUG)))
    anonymous.force_login(client_user)
    intro = anonymous.get(reverse("assessments:take", args=[SLUG])).content.decode()
    assert "You have answered 12 of" in intro
    response = Response.objects.get()
    assert response.owner == client_user


@pytest.mark.django_db
def test_the_check_page_says_self_reflection_not_a_diagnosis_once(anonymous):
    page = anonymous.get(reverse("assessments:take", args=[SLUG])).content.decode()

    assert page.count("self-reflection, not a diagnosis") == 1
    assert "Self-reflection, not a diagnosis." not in page


@pytest.mark.django_db
def test_the_safety_page_says_answers_stay_private_once(anonymous):
    page = anonymous.get(section_url(SLUG, "safety")).content.decode()

    assert page.count("stay private") == 1
    assert page.count("never shown to") == 1
    assert page.count("skip any") == 1


@pytest.mark.django_db
def test_pages_before_a_result_promise_only_what_the_session_keeps(anonymous, settings):
    settings.SESSION_COOKIE_AGE = 20 * 60
    take = anonymous.get(reverse("assessments:take", args=[SLUG])).content.decode()
    index = anonymous.get(reverse("assessments:index")).content.decode()
    saved = anonymous.post(
        section_url(SLUG, "you"), section_post(SLUG, "you", {}, action="save"), follow=True
    ).content.decode()

    for page in (take, index, saved):
        assert "until you close the browser or leave it unused for 20 minutes" in page
    assert "within 7 days" not in saved
