"""The directory's match page starts from a signed-in person's latest saved result, says so,
and lets them choose another result or none (the checks reach it through directory.hooks)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tandem.assessments.models import Response
from tandem.assessments.tests.helpers import complete_check
from tandem.conftest import client_for
from tandem.directory.tests.helpers import make_profile

pytestmark = pytest.mark.django_db

MATCH = "/therapists/match/"


def _finish(http, when: datetime, **answers) -> Response:
    complete_check(http, **answers)
    response = Response.objects.completed().order_by("-pk").first()
    assert response is not None
    Response.objects.filter(pk=response.pk).update(completed_at=when)
    return response


def _therapists() -> None:
    make_profile(name="Fay Fitting", specialties=("codependency", "dependency", "self_esteem"))
    make_profile(name="Sam Safety", specialties=("abuse_recovery", "trauma"))
    make_profile(
        name="Cory Couples", specialties=("couples",), sees_couples=True, fee_couple_minor=9000
    )


def test_it_starts_from_the_latest_saved_result_and_says_so(client_user):
    _therapists()
    http = client_for(client_user)
    _finish(http, datetime(2026, 10, 1, 12, tzinfo=UTC), value=0)
    latest = _finish(http, datetime(2026, 11, 3, 12, tzinfo=UTC), value=2)

    page = http.get(MATCH)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Matched on your result of 3 Nov 2026" in text
    assert 'href="#id_use"' in text and f'<option value="{latest.public_id}" selected>' in text
    assert "Fay Fitting" in text and "your results lean towards" in text
    assert page["Cache-Control"].startswith("max-age=0")


def test_the_person_can_choose_an_older_result_or_none(client_user):
    _therapists()
    http = client_for(client_user)
    older = _finish(http, datetime(2026, 10, 1, 12, tzinfo=UTC), value=2)
    _finish(http, datetime(2026, 11, 3, 12, tzinfo=UTC), value=2)

    text = http.get(MATCH, {"use": str(older.public_id)}).content.decode()
    assert "Matched on your result of 1 Oct 2026" in text
    by_hand = http.post(MATCH, {"use": "none", "format": "video"}).content.decode()
    assert "Matched on the preferences you set, not on a saved result" in by_hand
    assert "your results lean towards" not in by_hand


def test_a_flagged_latest_result_puts_safety_first_as_on_the_results_page(client_user):
    _therapists()
    http = client_for(client_user)
    older = _finish(http, datetime(2026, 10, 1, 12, tzinfo=UTC), value=2)
    _finish(http, datetime(2026, 11, 3, 12, tzinfo=UTC), safety=True)

    text = http.get(MATCH).content.decode()
    assert "Your safety comes first" in text
    assert "Sam Safety" in text and "Cory Couples" not in text
    assert "We want to come as a couple" not in text
    # An older result, or preferences alone, never bring couples work back.
    for choice in ({"use": str(older.public_id)}, {"use": "none", "couples": "1"}):
        text = http.post(MATCH, choice).content.decode()
        assert "Your latest check suggested you may not feel safe" in text
        assert "Sam Safety" in text and "Cory Couples" not in text


def test_a_flagged_older_result_chosen_puts_safety_first(client_user):
    _therapists()
    http = client_for(client_user)
    flagged = _finish(http, datetime(2026, 10, 1, 12, tzinfo=UTC), safety=True)
    _finish(http, datetime(2026, 11, 3, 12, tzinfo=UTC), value=2)

    text = http.get(MATCH, {"use": str(flagged.public_id)}).content.decode()
    assert "Your safety comes first" in text and "Cory Couples" not in text


class TestRefusals:
    def test_anonymous_people_keep_the_preferences_page(self, anonymous, client_user):
        mine = _finish(client_for(client_user), datetime(2026, 11, 3, 12, tzinfo=UTC), value=2)
        page = anonymous.get(MATCH, {"use": str(mine.public_id)})
        text = page.content.decode()
        assert page.status_code == 200
        assert "Matched on" not in text and 'name="use"' not in text
        assert "your results lean towards" not in text

    def test_another_persons_result_is_refused(self, client_user, unrelated_client_user):
        theirs = _finish(client_for(client_user), datetime(2026, 11, 3, 12, tzinfo=UTC), value=2)
        http = client_for(unrelated_client_user)
        # Without saved results of their own, the choice is not offered and is ignored.
        text = http.get(MATCH, {"use": str(theirs.public_id)}).content.decode()
        assert "Matched on" not in text and "your results lean towards" not in text
        # With results of their own, someone else's is not among the choices: bad input.
        _finish(http, datetime(2026, 11, 4, 12, tzinfo=UTC), value=2)
        page = http.get(MATCH, {"use": str(theirs.public_id)})
        assert page.status_code == 400
        assert "3 Nov 2026" not in page.content.decode()

    def test_bad_input_and_other_methods_are_refused(self, client_user):
        http = client_for(client_user)
        _finish(http, datetime(2026, 11, 3, 12, tzinfo=UTC), value=2)
        assert http.get(MATCH, {"use": "not-a-result"}).status_code == 400
        assert http.post(MATCH, {"use": "none", "max_fee": "-3"}).status_code == 400
        assert http.delete(MATCH).status_code == 405
        assert http.put(MATCH).status_code == 405
