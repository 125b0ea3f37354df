from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from tandem.assessments.models import Response
from tandem.assessments.tests.helpers import complete_check
from tandem.conftest import client_for
from tandem.instruments import library

SLUG = "relating-styles"


def take_at(user, moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return complete_check(client_for(user), **kwargs)


@pytest.mark.django_db
def test_history_marks_a_change_as_real_only_when_the_reliable_change_index_says_so(client_user):
    take_at(client_user, datetime(2026, 1, 5, 9, tzinfo=UTC), lean="low")
    take_at(client_user, datetime(2026, 2, 5, 9, tzinfo=UTC), lean="low")  # no change at all
    take_at(client_user, datetime(2026, 3, 5, 9, tzinfo=UTC), lean="high")  # from 0 to 100
    scores = [r.scale_scores["self_worth"] for r in Response.objects.order_by("completed_at")]
    instrument = library.get(SLUG)
    assert not instrument.reliable_change("self_worth", scores[0], scores[1]).reliable
    assert instrument.reliable_change("self_worth", scores[1], scores[2]).reliable

    page = client_for(client_user).get(reverse("assessments:history", args=[SLUG]))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('<svg class="chart chart--history"') == len(instrument.scales)
    section = text[text.index('id="history-self_worth"') :]
    section = section[: section.index("</section>")]
    assert "+0: within the range of normal variation" in section
    assert "+100: a real rise" in section
    assert "5 Jan" in section and "5 Mar" in section


@pytest.mark.django_db
def test_history_shows_only_the_persons_own_results(client_user, unrelated_client_user):
    complete_check(client_for(unrelated_client_user))
    text = client_for(client_user).get(reverse("assessments:history", args=[SLUG])).content.decode()
    assert "You have no results for this check yet" in text


@pytest.mark.django_db
def test_history_needs_sign_in_and_a_known_check(anonymous, client_user):
    url = reverse("assessments:history", args=[SLUG])
    assert anonymous.get(url)["Location"].startswith("/accounts/login/")
    http = client_for(client_user)
    assert http.get(reverse("assessments:history", args=["nothing-here"])).status_code == 404
    assert http.post(url).status_code == 405


@pytest.mark.django_db
def test_my_checks_lists_results_and_unfinished_checks(client_user, unrelated_client_user):
    http = client_for(client_user)
    location = complete_check(http)
    complete_check(client_for(unrelated_client_user), slug="healthy-relationship")
    http.post(
        reverse("assessments:section", args=["healthy-relationship", "relationship"]),
        {"_action": "save"},
    )
    page = http.get(reverse("assessments:mine"))
    text = page.content.decode()
    assert location in text
    assert "Continue the Healthy Relationship Check" in text
    assert reverse("assessments:history", args=[SLUG]) in text
    assert text.count("See the result") == 1


@pytest.mark.django_db
def test_my_checks_needs_sign_in_and_get(anonymous, client_user):
    url = reverse("assessments:mine")
    assert anonymous.get(url).status_code == 302
    assert client_for(client_user).post(url).status_code == 405


def test_signed_in_pages_with_results_are_never_cached(client_user):
    http = client_for(client_user)

    for url in (
        reverse("assessments:mine"),
        reverse("assessments:history", args=["relating-styles"]),
    ):
        assert "no-store" in http.get(url)["Cache-Control"]


@pytest.mark.django_db
def test_the_change_shown_is_the_difference_of_the_scores_shown(client_user):
    take_at(client_user, datetime(2026, 1, 5, 9, tzinfo=UTC), lean="low")
    take_at(client_user, datetime(2026, 3, 5, 9, tzinfo=UTC), lean="high")
    first, second = Response.objects.order_by("completed_at")
    # Scores that round to 19 and 56 while their exact difference (37.5) rounds to 38.
    Response.objects.filter(pk=first.pk).update(scale_scores={"self_worth": 18.75})
    Response.objects.filter(pk=second.pk).update(scale_scores={"self_worth": 56.25})

    text = client_for(client_user).get(reverse("assessments:history", args=[SLUG])).content
    section = text.decode()[text.decode().index('id="history-self_worth"') :]
    section = section[: section.index("</section>")]

    assert "<td>19</td>" in section and "<td>56</td>" in section
    assert "+37" in section
    assert "+38" not in section


@pytest.mark.django_db
def test_the_history_charts_labels_stay_inside_the_drawing_and_are_big_enough(client_user):
    import re

    take_at(client_user, datetime(2026, 1, 5, 9, tzinfo=UTC), lean="low")
    take_at(client_user, datetime(2026, 3, 5, 9, tzinfo=UTC), lean="high")

    text = client_for(client_user).get(reverse("assessments:history", args=[SLUG])).content
    svg = text.decode()[text.decode().index('id="history-self_worth"') :]
    svg = svg[svg.index("<svg") : svg.index("</svg>")]
    width = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))

    # The last point's "100 real rise" ends at its point instead of running past the edge.
    (label,) = re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="(\w+)"[^>]*>100 real rise', svg)
    assert label[1] == "end" and float(label[0]) <= width
    # Shown at most 26rem wide and at least 288 px (a 320 px phone), text is never under 12 px.
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
    assert min(sizes) * 288 / width >= 12
