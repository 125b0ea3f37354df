from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tandem.directory.models import ProfileStatus, TherapistProfile

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_about_sixty_fictional_therapists_once():
    call_command("seed_demo", stdout=io.StringIO())
    public = TherapistProfile.objects.public()
    assert public.count() == 60
    assert TherapistProfile.objects.filter(status=ProfileStatus.SUBMITTED).count() == 3
    assert all("fictional" in profile.statement for profile in public)
    assert all(profile.user.email.endswith(".invalid") for profile in public.select_related("user"))
    assert public.filter(sees_couples=True).exists() and public.filter(country="US").exists()
    assert len(set(public.values_list("tier", flat=True))) == 3
    before = list(TherapistProfile.objects.order_by("pk").values_list("slug", "updated_at"))
    call_command("seed_demo", stdout=io.StringIO())
    assert list(TherapistProfile.objects.order_by("pk").values_list("slug", "updated_at")) == before


def test_the_generator_bulk_inserts_searchable_profiles():
    out = io.StringIO()
    call_command("generate_therapists", "--count", "250", "--batch-size", "100", stdout=out)
    assert TherapistProfile.objects.public().count() == 250
    call_command("generate_therapists", "--count", "10", stdout=out)
    assert TherapistProfile.objects.count() == 260
    profile = TherapistProfile.objects.order_by("pk").first()
    assert profile is not None
    word = profile.name.split()[1].lower()
    from tandem.directory.forms import SearchForm
    from tandem.directory.search import search_profiles

    form = SearchForm({"q": word})
    assert form.is_valid()
    assert profile.pk in [
        listing.profile.pk for listing in search_profiles(form.to_params()).listings
    ] or (search_profiles(form.to_params()).total >= 20)


def test_the_generator_refuses_nonsense():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_therapists", "--count", "0", stdout=io.StringIO())
