"""The slot picker's controls and day boxes line up, on a wide screen and on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.booking.tests.helpers import make_bookable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDGES = """selector => [...document.querySelectorAll(selector)].map(element => {
    const box = element.getBoundingClientRect();
    return [Math.round(box.top), Math.round(box.bottom)];
})"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_slot_pickers_controls_and_days_line_up(page: Any, therapist_user: Any, width) -> None:
    profile, _session = make_bookable(therapist_user, minimum_notice_minutes=24 * 60)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/bookings/with/{profile.slug}/")

    controls = page.evaluate(
        EDGES, ".booking-view select, .booking-view input, .booking-view button"
    )
    days = page.evaluate(EDGES, ".booking-day")

    assert len(controls) == 4
    heights = {bottom - top for top, bottom in controls}
    assert len(heights) == 1, controls
    if width == 1280:
        assert len({bottom for _top, bottom in controls}) == 1, controls
        first_row = [top for top, _bottom in days[:4]]
        # Days with times (a fieldset) and days without (a box) start on one line.
        assert len(set(first_row)) == 1, first_row
    assert page.evaluate("document.documentElement.scrollWidth") <= width
