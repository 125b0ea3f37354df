from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from tandem.directory.admin import TierRuleAdmin
from tandem.directory.models import Tier, TierRule
from tandem.directory.tests.helpers import make_profile

pytestmark = pytest.mark.django_db


def test_the_rule_gives_premium_by_experience_then_affordable_by_lowest_fee():
    rule = TierRule(
        premium_min_years=15, affordable_max_fee_gbp_minor=5000, affordable_max_fee_usd_minor=7000
    )
    assert (
        rule.tier_for(years_in_practice=15, lowest_fee_minor=3000, currency="GBP") == Tier.PREMIUM
    )
    assert (
        rule.tier_for(years_in_practice=2, lowest_fee_minor=5000, currency="GBP") == Tier.AFFORDABLE
    )
    assert (
        rule.tier_for(years_in_practice=2, lowest_fee_minor=5001, currency="GBP") == Tier.STANDARD
    )
    assert (
        rule.tier_for(years_in_practice=2, lowest_fee_minor=6500, currency="USD") == Tier.AFFORDABLE
    )


def test_a_sliding_scale_counts_as_the_lowest_fee():
    profile = make_profile(
        fee_individual_minor=9000, sliding_scale_min_minor=4000, years_in_practice=1
    )
    assert (profile.lowest_fee_minor, profile.tier) == (4000, Tier.AFFORDABLE)


def test_changing_the_rule_in_the_admin_recomputes_every_stored_tier(administrator_user):
    senior = make_profile(years_in_practice=12, fee_individual_minor=9000)
    assert senior.tier == Tier.STANDARD
    rule = TierRule.current()
    rule.premium_min_years = 10
    request = RequestFactory().post("/")
    request.user = administrator_user
    TierRuleAdmin(TierRule, site).save_model(request, rule, form=None, change=True)
    senior.refresh_from_db()
    assert senior.tier == Tier.PREMIUM


def test_there_is_only_one_rule():
    TierRule(premium_min_years=3).save()
    TierRule(premium_min_years=4).save()
    assert list(TierRule.objects.values_list("pk", "premium_min_years")) == [(1, 4)]
