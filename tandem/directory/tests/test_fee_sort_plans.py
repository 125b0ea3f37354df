"""The "lowest fee" sort reads each currency's run from the index that starts with the currency and
the fee the listing shows, with no sort step, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import connection

from tandem.directory.forms import SearchForm
from tandem.directory.models import TherapistProfile
from tandem.directory.search import PAGE_SIZE, _apply, _fee_parts, _filters
from tandem.directory.tests.helpers import make_profile

pytestmark = pytest.mark.django_db


def _plans(**query: str) -> list[str]:
    form = SearchForm({"sort": "fee", **query})
    assert form.is_valid(), form.errors
    params = form.to_params()
    filtered = _apply(
        TherapistProfile.objects.verified(), [condition for _n, _l, condition in _filters(params)]
    )
    plans = []
    for part in _fee_parts(filtered, params):
        sql, values = part.values_list("id", "user_id")[: PAGE_SIZE + 1].query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", values)
                plans.append(" | ".join(str(row[-1]) for row in cursor.fetchall()))
            else:
                # A tiny table is cheapest to read whole: forbid that, and any sort, to see
                # whether an index gives this order by itself.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_sort = off")
                cursor.execute(f"EXPLAIN {sql}", values)
                plans.append(" | ".join(str(row[0]) for row in cursor.fetchall()))
    return plans


def _sorted_in_a_step(plan: str) -> bool:
    if connection.vendor == "sqlite":
        return "TEMP B-TREE" in plan
    # With sorts switched off PostgreSQL still sorts when it must, at a huge cost.
    return "Sort" in plan


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ({}, "directory_shown_fee_idx"),
        ({"currency": "USD"}, "directory_shown_fee_idx"),
        ({"couples": "1"}, "directory_couple_fee_cur_idx"),
        ({"couples": "1", "currency": "USD", "format": "video"}, "directory_couple_fee_cur_idx"),
    ],
)
def test_each_currency_of_the_lowest_fee_sort_is_read_in_order_from_its_index(query, index):
    for number in range(12):
        make_profile(
            name=f"Therapist {number}",
            currency="USD" if number % 3 == 0 else "GBP",
            fee_individual_minor=5000 + 500 * number,
            sliding_scale_min_minor=2000 if number % 2 else None,
            sees_couples=number % 2 == 0,
            fee_couple_minor=8000 + 100 * number if number % 2 == 0 else None,
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    for plan in _plans(**query):
        assert index in plan, plan
        assert not _sorted_in_a_step(plan), plan


def test_a_budget_in_one_currency_reads_only_that_currency() -> None:
    """A budget is in one currency, so the fee sort reads that currency's run alone: asking
    the database for the other currencies as well would walk an index for rows that the
    budget has already ruled out (seconds at a million profiles)."""
    form = SearchForm({"sort": "fee", "max_fee": "80", "currency": "USD"})
    assert form.is_valid(), form.errors
    params = form.to_params()
    filtered = _apply(
        TherapistProfile.objects.verified(), [condition for _n, _l, condition in _filters(params)]
    )
    parts = _fee_parts(filtered, params)
    assert len(parts) == 1
    assert "NOT" not in str(parts[0].query)
    assert len(_fee_parts(TherapistProfile.objects.verified(), _params_without_budget())) == 2


def _params_without_budget():
    form = SearchForm({"sort": "fee", "currency": "USD"})
    assert form.is_valid(), form.errors
    return form.to_params()
