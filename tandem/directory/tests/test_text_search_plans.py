"""A common word is searched by walking a sort's index, a rare one from the text index; the
profiles found and their order are the same either way."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.directory import textsearch
from tandem.directory.forms import SearchForm
from tandem.directory.models import TherapistProfile
from tandem.directory.search import PAGE_SIZE, _apply, _filters, _ordered, search_profiles
from tandem.directory.tests.helpers import make_profile

pytestmark = pytest.mark.django_db

COMMON_PLAN = "+directory_therapistprofile.id IN"


def _params(**query: str):
    form = SearchForm(query)
    assert form.is_valid(), form.errors
    return form.to_params()


def _found(**query: str) -> list[tuple[str, float | None]]:
    results = search_profiles(_params(**query))
    return [(listing.profile.name, listing.distance_km) for listing in results.listings]


def _therapists() -> None:
    towns = ["Leeds", "Bradford", "York", "London", "Leeds"]
    for number in range(PAGE_SIZE + 10):
        couples = number % 6 != 1  # 25 of 30
        make_profile(
            name=f"Therapist {number:02d}",
            town=towns[number % len(towns)],
            specialties=("couples", "infidelity") if couples else ("grief",),
            sees_couples=couples,
            fee_couple_minor=9000 - 100 * number if couples else None,
            fee_individual_minor=4000 + 150 * (number % 7),
            accepting_new_clients=number % 4 != 0,
            offers_video=number % 5 != 0,
        )


QUERIES = [
    {"q": "couples"},
    {"q": "couples", "page": "2"},
    {"q": "coup infidel", "format": "video"},
    {"q": "couples", "sort": "fee"},
    {"q": "couples", "couples": "1", "sort": "fee"},
    {"q": "couples", "near": "Leeds", "within_km": "50", "sort": "nearest"},
    {"q": "couples", "near": "Leeds", "within_km": "25", "sort": "best"},
    {"q": "grief", "accepting": "1"},
    {"q": "nobody has this word"},
]


def test_a_common_word_finds_the_same_profiles_in_the_same_order(monkeypatch):
    _therapists()
    for query in QUERIES:
        monkeypatch.setattr(textsearch, "COMMON_MATCHES", 10_000)
        rare = _found(**query)
        monkeypatch.setattr(textsearch, "COMMON_MATCHES", 1)
        with CaptureQueriesContext(connection) as queries:
            common = _found(**query)
        assert common == rare, query
        found_any = query["q"] != "nobody has this word"
        assert bool(rare) == found_any, query  # the comparison is between real results
        if connection.vendor == "sqlite":
            used = any(COMMON_PLAN in entry["sql"] for entry in queries.captured_queries)
            assert used == found_any, query


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 plan is SQLite's")
def test_only_a_common_word_walks_the_best_match_index(monkeypatch):
    _therapists()
    monkeypatch.setattr(textsearch, "COMMON_MATCHES", 5)

    def sql_and_plan(text: str) -> tuple[str, str]:
        params = _params(q=text)
        conditions = [condition for _n, _l, condition in _filters(params)]
        queryset = _ordered(_apply(TherapistProfile.objects.verified(), conditions), params)
        sql, values = queryset.values_list("id", "user_id")[:21].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", values)
            return sql, " | ".join(row[-1] for row in cursor.fetchall())

    sql, plan = sql_and_plan("couples")  # 25 of 30
    assert COMMON_PLAN in sql
    assert "directory_best_idx" in plan and "TEMP B-TREE" not in plan
    sql, _plan = sql_and_plan("therapist 07")  # 1 of 30: SQLite chooses
    assert COMMON_PLAN not in sql
