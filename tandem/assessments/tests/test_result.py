from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tandem.assessments.models import Response
from tandem.assessments.tests.helpers import complete_check
from tandem.conftest import client_for
from tandem.instruments import library

SLUG = "relating-styles"


@pytest.mark.django_db
def test_the_result_shows_style_profile_plan_and_notice_in_that_order(anonymous):
    location = complete_check(anonymous, value=2)
    page = anonymous.get(location)
    text = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    positions = [
        text.index("Your way of relating"),
        text.index("Your profile"),
        text.index("Your plan"),
        text.index("About these results"),
        text.index("Find a therapist for this"),
    ]
    assert positions == sorted(positions)
    assert '<svg class="chart"' in text and 'role="img"' in text
    assert "<table" in text and "Self-worth" in text
    assert "Likely range" in text  # the definition carries reliability, so bands of uncertainty
    assert "This is a tool for self-reflection, not a diagnosis." in text
    assert "Things to try" in text
    assert "safety-panel" not in text
    # No inline style or script: the CSP forbids them.
    assert "style=" not in text and "<style" not in text and "<script>" not in text


@pytest.mark.django_db
def test_the_style_is_described_with_reasons(anonymous):
    location = complete_check(anonymous, value=2)
    response = Response.objects.get()
    text = anonymous.get(location).content.decode()
    style = response.result["style"]
    assert style["titles"][style["primary"]].lower() in text
    for reason in style["reasons"]:
        assert reason.replace("'", "&#x27;") in text


@pytest.mark.django_db
def test_the_safety_flag_opens_the_result_with_helplines_and_no_couples_counselling(
    anonymous, settings
):
    settings.HELPLINES = [
        {
            "region": "NZ",
            "name": "Test Line",
            "phone": "0800 000 111",
            "hours": "Always",
            "about": "A test.",
        }
    ]
    location = complete_check(anonymous, value=2, safety=True)
    response = Response.objects.get()
    assert response.result["flags"][0]["key"] == "safety"
    text = anonymous.get(location).content.decode()
    main = text[text.index("<main") : text.index("</main>")]
    assert main.index("safety-panel") < main.index("Your way of relating")
    assert "Your safety comes first" in main
    assert "Test Line" in main and 'href="tel:0800000111"' in main
    assert "Exit this page" in main
    # Couples counselling is never suggested: only mentioned as not advised.
    assert library.strategies()["couples_counselling"].title not in main
    assert "couples-counselling" not in main
    plan = main[main.index('id="plan-heading"') :]
    specialist = library.strategies()["specialist_support"].title
    assert plan.index(specialist) < plan.index("</h3>") + len("</h3>") * 2
    assert "Share with" not in main and "Email me" not in main and "email me" not in main


@pytest.mark.django_db
def test_no_email_is_sent_when_a_check_raises_the_safety_flag(client_user):
    http = client_for(client_user)
    mail.outbox.clear()
    complete_check(http, safety=True)
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_scale_scores_stored_beside_the_answers_hold_no_safety_answers_or_flags(anonymous):
    complete_check(anonymous, safety=True)
    response = Response.objects.get()
    assert not any(key.startswith("sf") for key in response.scale_scores)
    assert "safety" not in str(response.scale_scores)


@pytest.mark.django_db
def test_another_persons_result_is_a_404(client_user, unrelated_client_user, anonymous):
    location = complete_check(client_for(client_user))
    public_id = Response.objects.get().public_id
    stranger = client_for(unrelated_client_user)
    for name in ("assessments:result", "assessments:report", "assessments:therapists"):
        url = reverse(name, args=[public_id])
        assert stranger.get(url).status_code == 404
        assert anonymous.get(url).status_code == 404
    assert client_for(client_user).get(location).status_code == 200


@pytest.mark.django_db
def test_an_anonymous_result_is_only_visible_in_the_session_that_made_it(anonymous, client_user):
    location = complete_check(anonymous)
    assert anonymous.get(location).status_code == 200
    assert Client().get(location).status_code == 404
    assert client_for(client_user).get(location).status_code == 404


@pytest.mark.django_db
def test_an_unknown_result_id_is_a_404(anonymous):
    assert anonymous.get("/checks/results/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert anonymous.get("/checks/results/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_an_anonymous_visitor_is_offered_to_sign_up_or_sign_in_to_keep_the_result(anonymous):
    location = complete_check(anonymous)
    text = anonymous.get(location).content.decode()
    assert f"/accounts/signup/?next={location}" in text
    assert f"/accounts/login/?next={location}" in text


@pytest.mark.django_db
def test_after_signing_in_the_visitor_can_keep_the_result(anonymous, client_user):
    location = complete_check(anonymous)
    response = Response.objects.get()
    anonymous.force_login(client_user)
    page = anonymous.get(location).content.decode()
    assert "Keep this result in my history" in page
    kept = anonymous.post(reverse("assessments:keep", args=[response.public_id]))
    assert kept.status_code == 302
    response.refresh_from_db()
    assert response.owner == client_user
    assert response.anonymous_claim_hash == ""
    page = client_for(client_user).get(location).content.decode()
    assert "Keep this result" not in page
    assert reverse("assessments:history", args=[SLUG]) in page


@pytest.mark.django_db
def test_keeping_is_refused_to_anonymous_visitors_strangers_and_get(
    anonymous, unrelated_client_user
):
    complete_check(anonymous)
    response = Response.objects.get()
    url = reverse("assessments:keep", args=[response.public_id])
    assert anonymous.get(url).status_code in (302, 405)
    signed_out = anonymous.post(url)
    assert signed_out.status_code == 302 and "/accounts/login/" in signed_out["Location"]
    stranger = client_for(unrelated_client_user)
    assert stranger.post(url).status_code == 404
    assert client_for(unrelated_client_user).get(url).status_code == 405
    response.refresh_from_db()
    assert response.owner is None


@pytest.mark.django_db
def test_result_pages_refuse_other_methods(anonymous):
    location = complete_check(anonymous)
    assert anonymous.post(location).status_code == 405
    assert anonymous.post(location + "report.pdf").status_code == 405


@pytest.mark.django_db
def test_the_result_links_to_journal_articles_on_its_topics(anonymous):
    from django.utils import timezone

    from tandem.journal.models import Article, ArticleStatus, Author, Topic

    author = Author.objects.create(name="A. Writer", slug="a-writer")
    topic, _ = Topic.objects.get_or_create(
        slug="ways-of-relating", defaults={"name": "Ways of relating"}
    )
    article = Article.objects.create(
        title="Four ways of relating, in brief",
        slug="four-ways-brief",
        body="Text.",
        author=author,
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    article.topics.add(topic)
    location = complete_check(anonymous, value=3)
    text = anonymous.get(location).content.decode()
    assert "Read more on these topics" in text
    assert article.get_absolute_url() in text


def test_every_strategy_points_to_topics_the_journal_has() -> None:
    from tandem.instruments import library
    from tandem.journal.demo import TOPICS

    for strategy in library.strategies().values():
        assert strategy.topics, strategy.key
        assert set(strategy.topics) <= set(TOPICS), strategy.key


def test_a_results_topics_are_its_style_then_its_plans_strategies_in_order() -> None:
    from tandem.assessments.presentation import topic_slugs

    result = {
        "style": {"primary": "codependent"},
        "plan": [{"strategy": "alone"}, {"strategy": "couples_counselling"}, {"strategy": "?"}],
    }
    assert topic_slugs(result) == ["codependency", "being-alone", "couples-counselling"]
