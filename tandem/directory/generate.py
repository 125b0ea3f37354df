"""Synthetic therapists in bulk, for benchmarks and load tests (``generate_therapists``).

Profiles are built in Python with the same derived columns ``TherapistProfile.save()``
computes, and inserted with ``bulk_create`` in batches, users first. Statements come from a
small pool rendered once, so a million rows take minutes, not hours. Distributions are rough
but realistic: most therapists offer video, about half see people in person, fees cluster
around the middle, most speak English and some another language.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone

from tandem.accounts.models import Role, User
from tandem.directory.content import render_statement
from tandem.directory.gazetteer import Town, towns
from tandem.directory.models import (
    Currency,
    Gender,
    ProfileStatus,
    TherapistProfile,
    TierRule,
    build_search_text,
    shown_fee,
)
from tandem.directory.vocab import APPROACHES, LANGUAGES, SPECIALTIES

__all__ = ["FIRST_NAMES", "SURNAMES", "build_profile", "generate"]

FIRST_NAMES = [
    "Alder",
    "Briar",
    "Calla",
    "Dorian",
    "Ember",
    "Fennel",
    "Garnet",
    "Hazel",
    "Indigo",
    "Juniper",
    "Kestrel",
    "Linden",
    "Marlow",
    "Nettle",
    "Oriel",
    "Primrose",
    "Quill",
    "Rowan",
    "Saffron",
    "Tamsin",
    "Umber",
    "Vesper",
    "Wren",
    "Yarrow",
    "Zinnia",
    "Ash",
    "Bramble",
    "Clover",
    "Dune",
    "Elowen",
    "Fable",
    "Greer",
    "Heath",
    "Isla",
    "Jory",
    "Kit",
    "Lark",
    "Moss",
    "Nova",
    "Onyx",
    "Pip",
    "Reed",
    "Sorrel",
    "Tansy",
    "Vale",
    "Willow",
    "Yew",
]
SURNAMES = [
    "Applewhite",
    "Bramblecroft",
    "Cloudberry",
    "Dewmist",
    "Elderflower",
    "Foxglove",
    "Gingersnap",
    "Hollyhock",
    "Inkwell",
    "Juniperwood",
    "Kettlewell",
    "Larkspur",
    "Moonpenny",
    "Nettlebed",
    "Oakenshaw",
    "Pebblebrook",
    "Quillfeather",
    "Rosemallow",
    "Starlingbrook",
    "Thistledown",
    "Umberfield",
    "Velvetleaf",
    "Willowmere",
    "Yarrowby",
    "Zephyrwood",
    "Amberlight",
    "Birchwhistle",
    "Copperkettle",
    "Driftwood",
    "Emberley",
    "Fernsby",
    "Goldthwaite",
    "Honeysett",
    "Ivybridge",
    "Jasperly",
    "Kingfisher",
    "Lanternby",
]
_OPENINGS = [
    "I work with people who want to understand why their relationships keep following the "
    "same painful pattern.",
    "Many of the people I see are tired of giving more than they get back.",
    "Relationships can be where we feel most alive and most stuck.",
    "I help couples and individuals find their way back to honest conversation.",
    "You do not have to have the words for what is wrong before we start.",
    "Some of us learned early that needing people is risky; therapy can be a safe place to "
    "unlearn that.",
]
_MIDDLES = [
    "Together we look at how you learned to relate, and what you would like to do differently.",
    "Sessions are a calm space to slow down, notice what happens between you, and try new ways "
    "of **listening** and asking for what you need.",
    "I draw on several approaches and we choose together what suits you.",
    "We work at your pace, with *practical steps* between sessions if you want them.",
    "I have a particular interest in how self-worth shapes the way we love.",
]
_CLOSINGS = [
    "A first call is a chance to see whether we are a good fit.",
    "I welcome people of every background, identity and relationship structure.",
    "If you are unsure whether therapy is for you, you are welcome to ask questions first.",
]
_BODIES_GB = ["BACP", "UKCP", "COSRT", "NCPS", "HCPC"]
_BODIES_US = ["State Board of Behavioral Sciences", "AAMFT", "State Licensing Board (LPC)"]
_LANGUAGES_GB = [
    ("pl", 0.04),
    ("ur", 0.03),
    ("pa", 0.03),
    ("cy", 0.02),
    ("fr", 0.03),
    ("hi", 0.02),
    ("bn", 0.02),
    ("ar", 0.02),
    ("bsl", 0.01),
    ("gd", 0.005),
]
_LANGUAGES_US = [
    ("es", 0.2),
    ("zh", 0.03),
    ("vi", 0.02),
    ("ko", 0.02),
    ("tl", 0.02),
    ("ru", 0.01),
    ("ar", 0.01),
    ("asl", 0.01),
    ("fr", 0.01),
]
# Relationship specialties are this directory's core, so they are the commonest.
_SPECIALTY_WEIGHTS = {
    "codependency": 5,
    "attachment": 5,
    "self_esteem": 6,
    "couples": 5,
    "infidelity": 3,
    "communication": 6,
    "abuse_recovery": 2,
    "trauma": 3,
    "boundaries": 4,
    "intimacy": 3,
    "anxiety": 6,
    "depression": 5,
    "separation": 3,
    "family": 3,
    "grief": 2,
    "lgbtq": 2,
    "addiction": 1,
    "dependency": 2,
}
# The larger a city, the more therapists; everything else weighs 1.
_BIG = {
    "London": 20,
    "New York": 18,
    "Los Angeles": 10,
    "Manchester": 6,
    "Birmingham": 6,
    "Chicago": 8,
    "Edinburgh": 4,
    "Glasgow": 4,
    "Leeds": 4,
    "Bristol": 4,
    "Houston": 5,
    "San Francisco": 5,
    "Boston": 5,
    "Seattle": 4,
    "Philadelphia": 4,
}


@dataclass
class _Pools:
    statements: list[tuple[str, str]]
    towns: Sequence[Town]
    town_weights: list[int]
    specialty_keys: list[str]
    specialty_weights: list[int]
    rule: TierRule


def _pools(rng: random.Random) -> _Pools:
    statements = []
    for _ in range(120):
        text = "\n\n".join([rng.choice(_OPENINGS), rng.choice(_MIDDLES), rng.choice(_CLOSINGS)])
        statements.append((text, render_statement(text)))
    all_towns = towns()
    return _Pools(
        statements=statements,
        towns=all_towns,
        town_weights=[_BIG.get(town.name, 1) for town in all_towns],
        specialty_keys=list(_SPECIALTY_WEIGHTS),
        specialty_weights=list(_SPECIALTY_WEIGHTS.values()),
        rule=TierRule.current(),
    )


def _round5(value: float) -> int:
    return int(round(value / 5) * 5)


def build_profile(
    rng: random.Random, *, user: User, name: str, slug: str, pools: _Pools, status: str
) -> TherapistProfile:
    """One plausible profile, with every derived column filled in (no save needed)."""
    town = rng.choices(pools.towns, weights=pools.town_weights)[0]
    us = town.country == "US"
    years = min(40, int(rng.expovariate(1 / 9)) + 1)
    specialties: set[str] = set()
    while len(specialties) < rng.randint(2, 6):
        specialties.add(rng.choices(pools.specialty_keys, weights=pools.specialty_weights)[0])
    approaches = set(rng.sample(APPROACHES.keys, rng.randint(1, 3)))
    languages = {"en"} if rng.random() < 0.97 else set()
    for key, share in _LANGUAGES_US if us else _LANGUAGES_GB:
        if rng.random() < share:
            languages.add(key)
    languages = languages or {"en"}
    sees_couples = "couples" in specialties or rng.random() < 0.3
    sees_individuals = not sees_couples or rng.random() < 0.85
    offers_video = rng.random() < 0.85
    offers_phone = rng.random() < 0.4
    offers_in_person = rng.random() < 0.55 or not (offers_video or offers_phone)
    base = rng.gauss(150, 40) if us else rng.gauss(70, 20)
    fee = max(25 if not us else 50, _round5(base + years * (2 if us else 1)))
    couple_fee = _round5(fee * rng.uniform(1.2, 1.5)) if sees_couples else None
    sliding = _round5(fee * rng.uniform(0.4, 0.7)) if rng.random() < 0.3 else None
    gender = rng.choices(
        [Gender.WOMAN, Gender.MAN, Gender.NON_BINARY, "", Gender.SELF_DESCRIBED],
        weights=[55, 30, 5, 9, 1],
    )[0]
    statement, statement_html = rng.choice(pools.statements)
    currency = Currency.USD if us else Currency.GBP
    lat = town.latitude + rng.uniform(-0.12, 0.12)
    lng = town.longitude + rng.uniform(-0.18, 0.18)
    fees = [
        f
        for f in (
            fee * 100 if sees_individuals else None,
            couple_fee and couple_fee * 100,
            sliding and sliding * 100,
        )
        if f
    ]
    lowest = min(fees)
    specialty_bits = SPECIALTIES.mask(specialties)
    approach_bits = APPROACHES.mask(approaches)
    now = timezone.now()
    return TherapistProfile(
        user=user,
        slug=slug,
        status=status,
        name=name,
        pronouns={  # type: ignore[call-overload]
            Gender.WOMAN: "she/her",
            Gender.MAN: "he/him",
            Gender.NON_BINARY: "they/them",
        }.get(gender, ""),
        gender=gender,
        gender_description="genderfluid" if gender == Gender.SELF_DESCRIBED else "",
        statement=statement,
        statement_html=statement_html,
        qualifications="Postgraduate Diploma in Relationship Therapy\nMA Counselling",
        registration_body=rng.choice(_BODIES_US if us else _BODIES_GB),
        registration_number=f"{rng.randint(100000, 999999)}",
        years_in_practice=years,
        specialty_bits=specialty_bits,
        approach_bits=approach_bits,
        language_bits=LANGUAGES.mask(languages),
        sees_individuals=sees_individuals,
        sees_couples=sees_couples,
        offers_video=offers_video,
        offers_phone=offers_phone,
        offers_in_person=offers_in_person,
        place=f"{rng.choice(SURNAMES)} House, {rng.randint(1, 90)} Mill Lane"
        if offers_in_person
        else "",
        town=town.name,
        country=town.country,
        latitude=round(lat, 5),
        longitude=round(lng, 5),
        currency=currency,
        fee_individual_minor=fee * 100 if sees_individuals else None,
        fee_couple_minor=couple_fee * 100 if couple_fee else None,
        sliding_scale_min_minor=sliding * 100 if sliding else None,
        lowest_fee_minor=lowest,
        shown_fee_minor=shown_fee(
            sees_individuals=sees_individuals,
            fee_individual_minor=fee * 100 if sees_individuals else None,
            fee_couple_minor=couple_fee * 100 if couple_fee else None,
        ),
        accepting_new_clients=rng.random() < 0.8,
        tier=pools.rule.tier_for(
            years_in_practice=years, lowest_fee_minor=lowest, currency=currency
        ),
        search_text=build_search_text(
            name=name,
            statement=statement,
            specialty_bits=specialty_bits,
            approach_bits=approach_bits,
            town=town.name,
        ),
        created_at=now,
        submitted_at=now,
        verified_at=now if status == ProfileStatus.VERIFIED else None,
    )


def _batches(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(total, start + size))


def generate(
    count: int,
    *,
    seed: int = 1,
    batch_size: int = 5000,
    stdout: TextIO | None = None,
    status: str = ProfileStatus.VERIFIED,
) -> int:
    """Insert ``count`` synthetic verified therapists (and their accounts); returns how many.

    Accounts get unusable passwords and ``.invalid`` addresses: nobody can sign in as them.
    Safe to run again: numbering continues after the profiles already there.
    """
    rng = random.Random(seed)
    pools = _pools(rng)
    offset = TherapistProfile.objects.count()
    started = time.monotonic()
    for batch in _batches(count, batch_size):
        with transaction.atomic():
            names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}" for _ in batch]
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"synthetic-{offset + i}@bench.tandem.invalid",
                        name=name,
                        role=Role.THERAPIST,
                        password="!synthetic",  # noqa: S106 - "!" marks an unusable password
                    )
                    for i, name in zip(batch, names, strict=True)
                ]
            )
            if users and users[0].pk is None:  # databases without RETURNING
                emails = [user.email for user in users]
                ids = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
                for user in users:
                    user.pk = ids[user.email]
            TherapistProfile.objects.bulk_create(
                [
                    build_profile(
                        rng,
                        user=user,
                        name=name,
                        slug=f"{name.lower().replace(' ', '-')}-{offset + i}",
                        pools=pools,
                        status=status,
                    )
                    for i, user, name in zip(batch, users, names, strict=True)
                ]
            )
        if stdout is not None and (batch.stop % 100_000 == 0 or batch.stop == count):
            stdout.write(f"  {batch.stop:,} therapists ({time.monotonic() - started:.0f} s)\n")
    if connection.vendor == "postgresql" and connection.get_autocommit():
        with connection.cursor() as cursor:
            # VACUUM sets the visibility map, without which PostgreSQL cannot answer from
            # the search indexes alone (index-only scans).
            cursor.execute("VACUUM ANALYZE directory_therapistprofile")
            cursor.execute("VACUUM ANALYZE accounts_user")
    elif connection.vendor == "postgresql":  # inside a transaction (tests): no VACUUM there
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE directory_therapistprofile")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return count
