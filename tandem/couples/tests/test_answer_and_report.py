"""Answering apart, with resume, and the couple report once both have answered."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from tandem.assessments.forms import ACTION_FIELD
from tandem.assessments.models import Response
from tandem.conftest import client_for
from tandem.couples.models import RoundAnswer
from tandem.couples.tests.helpers import active_couple, answer_all, answers_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def couple(client_user: Any, partner_user: Any) -> Any:
    return active_couple(client_user, partner_user)


def page(http: Any, couple: Any) -> str:
    response = http.get(couple.get_absolute_url())
    assert response.status_code == 200
    return str(response.content.decode())


def test_each_partner_answers_in_their_own_response_and_sees_only_waiting(
    couple: Any, client_user: Any, partner_user: Any
) -> None:
    casey, parker = client_for(client_user), client_for(partner_user)
    assert "Start answering" in page(casey, couple)
    start = casey.get(reverse("couples:answer", args=[couple.public_id]))
    assert start["Location"] == reverse("couples:section", args=[couple.public_id, "giving"])
    answer_all(casey, couple)
    casey_page = page(casey, couple)
    assert "Waiting for your partner" in casey_page
    assert "Your couple report is not available." in casey_page
    # Parker learns nothing of Casey's progress.
    parker_page = page(parker, couple)
    assert "Start answering" in parker_page and "Waiting for your partner" not in parker_page
    answers = RoundAnswer.objects.select_related("response")
    assert answers.count() == 1
    response = answers.get().response
    assert response.owner == client_user and response.is_completed
    assert "cb1" not in response.answers_encrypted  # encrypted at rest, as every check


def test_a_partner_can_stop_and_carry_on_later(couple: Any, partner_user: Any) -> None:
    parker = client_for(partner_user)
    answers = answers_for("couple-balance")
    saved = parker.post(
        reverse("couples:section", args=[couple.public_id, "giving"]),
        {ACTION_FIELD: "save", "cb1": "2"},
    )
    assert saved["Location"] == couple.get_absolute_url()
    assert "Carry on answering" in page(parker, couple)
    resume = parker.get(reverse("couples:answer", args=[couple.public_id]))
    assert resume["Location"].endswith("/answer/giving/")
    shown = parker.get(resume["Location"]).content.decode()
    assert 'name="cb1" id="q-cb1-5" value="2" checked' in shown
    assert answers  # the helper's answers finish the check from here
    answer_all(parker, couple)
    assert "Waiting for your partner" in page(parker, couple)


def test_bad_answers_are_refused_and_keep_earlier_ones(couple: Any, client_user: Any) -> None:
    casey = client_for(client_user)
    url = reverse("couples:section", args=[couple.public_id, "giving"])
    casey.post(url, {ACTION_FIELD: "save", "cb1": "1"})
    bad = casey.post(url, {ACTION_FIELD: "next", "cb1": "9", "cb2": "0"})
    assert bad.status_code == 400
    assert "That answer is not one of the options" in bad.content.decode()
    assert Response.objects.get().answers["cb1"] == 1
    unknown = casey.post(url, {ACTION_FIELD: "next", "sneaky": "1"})
    assert unknown.status_code == 400
    missing = casey.post(url, {ACTION_FIELD: "next", "cb1": "1"})
    assert missing.status_code == 200 and "Choose an answer for this question." in (
        missing.content.decode()
    )
    assert casey.get(reverse("couples:section", args=[couple.public_id, "nope"])).status_code == 404


def test_the_report_appears_for_both_once_both_have_answered_and_both_are_told_once(
    couple: Any, client_user: Any, partner_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    casey, parker = client_for(client_user), client_for(partner_user)
    with django_capture_on_commit_callbacks(execute=True):
        answer_all(casey, couple, lean="high")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        answer_all(parker, couple, lean="high")
        page(casey, couple)
    assert sorted(m.to[0] for m in mail.outbox) == [client_user.email, partner_user.email]
    assert all(m.subject == "Your couple report is ready on Tandem" for m in mail.outbox)
    casey_page = page(casey, couple)
    assert "Both of you have answered." in casey_page
    assert "Your couple report" in casey_page
    # Both answered "me, much more" everywhere: seen from each side, their views differ.
    assert "You feel you give more time." in casey_page
    assert "Parker Partner feels they give more time." in casey_page
    assert "They differ" in casey_page
    assert "Things to try together" in casey_page
    assert (
        '<svg class="chart chart--wide"' in casey_page
        and '<svg class="chart chart--narrow"' in casey_page
        and '<table class="figures">' in casey_page
    )
    # Neither partner's answers or individual results are on it.
    assert "Me, much more" not in casey_page and "Your results:" not in casey_page
    assert "Find a couples therapist" in casey_page
    parker_page = page(parker, couple)
    assert "Casey Client feels they give more time." in parker_page
    with django_capture_on_commit_callbacks(execute=True):
        page(parker, couple)
    assert len(mail.outbox) == 2


def test_the_pdf_holds_the_report(couple: Any, client_user: Any, partner_user: Any) -> None:
    casey = client_for(client_user)
    answer_all(casey, couple)
    url = reverse("couples:report", args=[couple.public_id, 1])
    assert casey.get(url).status_code == 404
    answer_all(client_for(partner_user), couple)
    response = casey.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="tandem-couple-report-1.pdf"' in response["Content-Disposition"]


def test_checking_again_keeps_a_history_of_reports(
    couple: Any, client_user: Any, partner_user: Any
) -> None:
    casey, parker = client_for(client_user), client_for(partner_user)
    again = reverse("couples:again", args=[couple.public_id])
    casey.post(again)
    assert couple.rounds.count() == 1  # not before the first report
    answer_all(casey, couple)
    answer_all(parker, couple)
    assert casey.get(again).status_code == 405
    casey.post(again)
    assert couple.rounds.count() == 2
    fresh = page(casey, couple)
    assert "Round 2" in fresh and "Start answering" in fresh
    assert reverse("couples:round", args=[couple.public_id, 1]) in fresh
    answer_all(casey, couple, lean="high")
    answer_all(parker, couple, lean="low")
    history = casey.get(reverse("couples:history", args=[couple.public_id])).content.decode()
    assert history.count("<caption>") == 6
    assert "Time</caption>" in history
    # The Couple Balance Check ships no reliability figures: changes are not judged.
    assert "not judged" in history and "no reliability figures yet" in history
    round_one = casey.get(reverse("couples:round", args=[couple.public_id, 1])).content.decode()
    assert "Your couple report, round 1" in round_one and "They differ" not in round_one
    assert casey.get(reverse("couples:round", args=[couple.public_id, 9])).status_code == 404


def test_find_a_couples_therapist_adds_both_shares_and_keeps_shared_formats(
    couple: Any, client_user: Any, partner_user: Any
) -> None:
    from tandem.couples.matching import couple_needs
    from tandem.couples.models import Member

    casey, parker = client_for(client_user), client_for(partner_user)
    url = reverse("couples:therapists", args=[couple.public_id])
    assert "Your couple report is not available." in casey.get(url).content.decode()
    answer_all(casey, couple)
    answer_all(parker, couple)
    assert casey.get(url).status_code == 200
    bad = casey.post(url, {"budget_share": "lots"})
    assert bad.status_code == 400 and "Enter a whole number of pounds" in bad.content.decode()
    assert 'aria-describedby="id_budget_share-error"' in bad.content.decode()
    casey.post(url, {"budget_share": "40", "formats": ["video", "phone"]})
    parker.post(url, {"budget_share": "30", "formats": ["video", "in_person"]})
    needs = couple_needs(list(Member.objects.filter(couple=couple)))
    assert needs.budget_minor == 7000 and needs.formats == ("video",)
    assert casey.get(url).status_code == 200


def test_couple_suggestions_are_the_directorys_cards(
    couple: Any, client_user: Any, partner_user: Any
) -> None:
    from tandem.directory.tests.helpers import make_profile

    make_profile(
        name="Cory Couples",
        specialties=("couples", "communication"),
        town="York",
        sees_couples=True,
        fee_couple_minor=6000,
    )
    casey, parker = client_for(client_user), client_for(partner_user)
    url = reverse("couples:therapists", args=[couple.public_id])
    answer_all(casey, couple)
    answer_all(parker, couple)
    casey.post(url, {"budget_share": "40", "formats": ["video"]})
    parker.post(url, {"budget_share": "30", "formats": ["video"]})
    text = parker.get(url).content.decode()
    assert '<article class="listing" aria-labelledby="listing-' in text
    assert "Couple £60" in text and "<span>York</span>" in text
    assert 'aria-label="Why we suggest Cory Couples"' in text
