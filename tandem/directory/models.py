from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from tandem.directory.content import render_statement
from tandem.directory.vocab import APPROACHES, LANGUAGES, SPECIALTIES
from tandem.lib.constraints import one_of_choices

if TYPE_CHECKING:
    from tandem.accounts.models import User


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for verification"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Not accepted"


class Tier(models.TextChoices):
    PREMIUM = "premium", "Premium"
    AFFORDABLE = "affordable", "Affordable"
    STANDARD = "standard", "Standard"


class Currency(models.TextChoices):
    GBP = "GBP", "£ (GBP)"
    USD = "USD", "$ (USD)"


CURRENCY_SYMBOLS = {Currency.GBP: "£", Currency.USD: "$"}


class Country(models.TextChoices):
    GB = "GB", "United Kingdom"
    US = "US", "United States"


class Gender(models.TextChoices):
    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    NON_BINARY = "non_binary", "Non-binary"
    SELF_DESCRIBED = "self_described", "In another way"


class Format(models.TextChoices):
    VIDEO = "video", "Video"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"


# The columns search filters test, carried in each search index (see Meta.indexes).
SEARCH_COLUMNS = [
    "specialty_bits",
    "approach_bits",
    "language_bits",
    "sees_individuals",
    "sees_couples",
    "offers_video",
    "offers_phone",
    "offers_in_person",
    "currency",
    "fee_individual_minor",
    "fee_couple_minor",
    "sliding_scale_min_minor",
    "gender",
    "tier",
    "user",
]


def budget_fee(*, couples: bool = False) -> Least:
    """The least a person (or a couple) can pay: the session fee or the sliding scale's
    lowest, whichever is lower (NULL when neither is set). ``budget <= x`` is exactly "the
    fee or the sliding scale is within x", and unlike that OR it is a range an index can
    read (``directory_budget_idx``, ``directory_couple_budget_idx``). Every database treats
    the NULLs the same way here."""
    fee = "fee_couple_minor" if couples else "fee_individual_minor"
    return Least(Coalesce(fee, "sliding_scale_min_minor"), Coalesce("sliding_scale_min_minor", fee))


# Paths under /therapists/ that are pages, never a profile's slug.
RESERVED_SLUGS = frozenset({"me", "match", "verification", "search", "new", "api"})


def shown_fee(
    *, sees_individuals: bool, fee_individual_minor: int | None, fee_couple_minor: int | None
) -> int:
    """The session fee a listing shows first: the individual fee, or the couple fee for a
    therapist who sees only couples (0 when there is neither, as for a draft)."""
    if sees_individuals and fee_individual_minor is not None:
        return fee_individual_minor
    return fee_couple_minor if fee_couple_minor is not None else 0


def format_money(minor: int | None, currency: str) -> str:
    """``4500, "GBP"`` → ``"£45"``; pence shown only when there are any."""
    if minor is None:
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")  # type: ignore[call-overload]
    whole, part = divmod(minor, 100)
    return f"{symbol}{whole:,}" if part == 0 else f"{symbol}{whole:,}.{part:02d}"


class TierRule(models.Model):
    """The one rule staff set for tiers. Tiers describe; they never change a profile's rank."""

    premium_min_years = models.PositiveSmallIntegerField(
        "premium from years in practice",
        default=15,
        help_text="Therapists with at least this many years in practice are premium.",
    )
    affordable_max_fee_gbp_minor = models.PositiveIntegerField(
        "affordable up to (GBP, pence)",
        default=5000,
        help_text="Otherwise affordable when the lowest fee, sliding scale included, is at most "
        "this many pence.",
    )
    affordable_max_fee_usd_minor = models.PositiveIntegerField(
        "affordable up to (USD, cents)", default=7000
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="directory_tierrule_singleton"),
        ]

    def __str__(self) -> str:
        return "Tier rule"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> TierRule:
        rule, _ = cls.objects.get_or_create(pk=1)
        return rule

    def affordable_limit(self, currency: str) -> int:
        if currency == Currency.USD:
            return self.affordable_max_fee_usd_minor
        return self.affordable_max_fee_gbp_minor

    def tier_for(self, *, years_in_practice: int, lowest_fee_minor: int, currency: str) -> str:
        if years_in_practice >= self.premium_min_years:
            return Tier.PREMIUM
        if lowest_fee_minor <= self.affordable_limit(currency):
            return Tier.AFFORDABLE
        return Tier.STANDARD


class TherapistProfileQuerySet(models.QuerySet["TherapistProfile"]):
    def public(self) -> TherapistProfileQuerySet:
        """What visitors may see: verified profiles of accounts that are still active."""
        return self.filter(status=ProfileStatus.VERIFIED, user__is_active=True)

    def verified(self) -> TherapistProfileQuerySet:
        """Verified profiles, whether or not the account is still active: for search, whose
        ``fetch_page`` drops inactive accounts itself (see there)."""
        return self.filter(status=ProfileStatus.VERIFIED)

    def awaiting_verification(self) -> TherapistProfileQuerySet:
        return self.filter(status=ProfileStatus.SUBMITTED).order_by("submitted_at", "pk")

    def apply_tier_rule(self, rule: TierRule) -> int:
        """Recompute the stored tier of every profile in one UPDATE; returns rows changed."""
        affordable = Q(
            currency=Currency.GBP, lowest_fee_minor__lte=rule.affordable_max_fee_gbp_minor
        )
        affordable |= Q(
            currency=Currency.USD, lowest_fee_minor__lte=rule.affordable_max_fee_usd_minor
        )
        return self.update(
            tier=Case(
                When(years_in_practice__gte=rule.premium_min_years, then=Value(Tier.PREMIUM)),
                When(affordable, then=Value(Tier.AFFORDABLE)),
                default=Value(Tier.STANDARD),
            )
        )


def _photo_path(instance: TherapistProfile, filename: str) -> str:
    # The name is random (see content.clean_photo): it reveals nothing and cannot be guessed.
    return f"therapists/{filename}"


class TherapistProfile(models.Model):
    """A therapist's public profile, and the columns search filters on.

    Specialties, approaches and languages are bit masks over the fixed vocabularies in
    ``vocab.py``; formats, who they see, the lowest fee and the tier are plain columns. Those
    and ``search_text`` are derived on save, so search reads one row per profile.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist_profile"
    )
    slug = models.SlugField(max_length=80, unique=True)
    status = models.CharField(
        max_length=20, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT
    )

    name = models.CharField("name", max_length=120)
    pronouns = models.CharField(max_length=40, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, blank=True)
    gender_description = models.CharField("gender, in your words", max_length=60, blank=True)
    photo = models.ImageField(upload_to=_photo_path, blank=True)
    statement = models.TextField("about you and how you work")
    statement_html = models.TextField(editable=False, default="")

    qualifications = models.TextField()
    registration_body = models.CharField(max_length=120)
    registration_number = models.CharField(max_length=60)
    years_in_practice = models.PositiveSmallIntegerField()

    specialty_bits = models.BigIntegerField(default=0)
    approach_bits = models.BigIntegerField(default=0)
    language_bits = models.BigIntegerField(default=1)

    sees_individuals = models.BooleanField(default=True)
    sees_couples = models.BooleanField(default=False)
    offers_video = models.BooleanField(default=True)
    offers_phone = models.BooleanField(default=False)
    offers_in_person = models.BooleanField(default=False)
    place = models.CharField("where you see people in person", max_length=200, blank=True)
    town = models.CharField(max_length=100)
    country = models.CharField(max_length=2, choices=Country.choices, default=Country.GB)
    latitude = models.FloatField()
    longitude = models.FloatField()

    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.GBP)
    fee_individual_minor = models.PositiveIntegerField(null=True, blank=True)
    fee_couple_minor = models.PositiveIntegerField(null=True, blank=True)
    sliding_scale_min_minor = models.PositiveIntegerField(null=True, blank=True)
    lowest_fee_minor = models.PositiveIntegerField(editable=False, default=0)
    # The session fee a listing shows first (the individual fee, or the couple fee for a
    # therapist who sees only couples): what "lowest fee" sorts by, within each currency.
    shown_fee_minor = models.PositiveIntegerField(editable=False, default=0)
    accepting_new_clients = models.BooleanField(default=True)
    # The start of the therapist's soonest free slot, for the "soonest free slot" sort. The
    # directory only sorts by it: the booking app works it out and stores it (see
    # ``tandem.booking.soonest``) whenever the therapist's bookings, hours or time off change,
    # and cron refreshes it as time passes; ``next_free_checked_at`` says when. NULL: nothing
    # free, or never worked out (last in the sort).
    next_free_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_free_checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    tier = models.CharField(max_length=12, choices=Tier.choices, default=Tier.STANDARD)
    search_text = models.TextField(editable=False, default="")

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[TherapistProfileQuerySet] = TherapistProfileQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            one_of_choices("status", ProfileStatus, name="directory_profile_status_valid"),
            one_of_choices("tier", Tier, name="directory_profile_tier_valid"),
            one_of_choices("currency", Currency, name="directory_profile_currency_valid"),
            models.CheckConstraint(
                condition=Q(sees_individuals=True) | Q(sees_couples=True),
                name="directory_profile_sees_someone",
            ),
            models.CheckConstraint(
                condition=Q(sees_individuals=False) | Q(fee_individual_minor__isnull=False),
                name="directory_profile_individual_fee_when_seen",
            ),
            models.CheckConstraint(
                condition=Q(sees_couples=False) | Q(fee_couple_minor__isnull=False),
                name="directory_profile_couple_fee_when_seen",
            ),
            models.CheckConstraint(
                condition=Q(offers_video=True) | Q(offers_phone=True) | Q(offers_in_person=True),
                name="directory_profile_offers_a_format",
            ),
        ]
        # Search reads verified rows from one of these (see search.py). Each starts with the
        # status, then a sort or a range (place, budget), then every column a filter tests,
        # so a search reads one index and table rows only for the page it shows. PostgreSQL
        # adds partial indexes per language and planner statistics (pgsearch.py).
        indexes = [
            models.Index(
                fields=["status", "-accepting_new_clients", "id", *SEARCH_COLUMNS],
                name="directory_best_idx",
            ),
            # "Lowest fee" reads one currency at a time in the fee the listing shows
            # (search.py), so the currency comes before the fee.
            models.Index(
                fields=[
                    "status",
                    "currency",
                    "shown_fee_minor",
                    "id",
                    "accepting_new_clients",
                    *(column for column in SEARCH_COLUMNS if column != "currency"),
                ],
                name="directory_shown_fee_idx",
            ),
            models.Index(
                fields=[
                    "status",
                    "currency",
                    "fee_couple_minor",
                    "id",
                    "accepting_new_clients",
                    *(
                        column
                        for column in SEARCH_COLUMNS
                        if column not in ("currency", "fee_couple_minor")
                    ),
                ],
                name="directory_couple_fee_cur_idx",
            ),
            # "Near a town" always means in person. The shown fee rides along so "near a
            # town, lowest fee first" sorts the rows in the box without reading the table.
            models.Index(
                fields=[
                    "status",
                    "offers_in_person",
                    "latitude",
                    "longitude",
                    "id",
                    "accepting_new_clients",
                    "shown_fee_minor",
                    *(column for column in SEARCH_COLUMNS if column != "offers_in_person"),
                ],
                name="directory_near2_idx",
            ),
            # A budget is a range in these two, so a rare one (a low fee in dollars) reads
            # only the profiles within it instead of walking a sort's index past the rest.
            *(
                models.Index(
                    F("status"),
                    F("currency"),
                    budget_fee(couples=couples),
                    F("id"),
                    F("accepting_new_clients"),
                    F("shown_fee_minor"),
                    *(F(column) for column in SEARCH_COLUMNS if column != "currency"),
                    name=name,
                )
                for couples, name in (
                    (False, "directory_budget2_idx"),
                    (True, "directory_couple_budget2_idx"),
                )
            ),
            # "Soonest free slot": PostgreSQL's ascending order puts NULLs (nothing free) last,
            # as the sort does, so the first page is read from the top of this index.
            models.Index(
                fields=[
                    "status",
                    "next_free_at",
                    "id",
                    "accepting_new_clients",
                    *SEARCH_COLUMNS,
                ],
                name="directory_soonest_idx",
            ),
            models.Index(fields=["status", "submitted_at"], name="directory_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    # --- derived columns --------------------------------------------------------------

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_derived(TierRule.current())
        if not self.slug:
            self.slug = unique_slug(self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directory:profile", args=[self.slug])

    def refresh_derived(self, rule: TierRule) -> None:
        """Recompute what is stored for display and search from what the therapist entered."""
        self.statement_html = render_statement(self.statement)
        fees = [
            fee
            for fee in (
                self.fee_individual_minor if self.sees_individuals else None,
                self.fee_couple_minor if self.sees_couples else None,
                self.sliding_scale_min_minor,
            )
            if fee is not None
        ]
        self.lowest_fee_minor = min(fees) if fees else 0
        self.shown_fee_minor = shown_fee(
            sees_individuals=self.sees_individuals,
            fee_individual_minor=self.fee_individual_minor,
            fee_couple_minor=self.fee_couple_minor,
        )
        self.tier = rule.tier_for(
            years_in_practice=self.years_in_practice,
            lowest_fee_minor=self.lowest_fee_minor,
            currency=self.currency,
        )
        self.search_text = build_search_text(
            name=self.name,
            statement=self.statement,
            specialty_bits=self.specialty_bits,
            approach_bits=self.approach_bits,
            town=self.town,
        )

    # --- reading ------------------------------------------------------------------------

    @property
    def is_public(self) -> bool:
        return self.status == ProfileStatus.VERIFIED and self.user.is_active

    @property
    def specialties(self) -> list[str]:
        return SPECIALTIES.keys_in(self.specialty_bits)

    @property
    def specialty_labels(self) -> list[str]:
        return SPECIALTIES.labels_in(self.specialty_bits)

    @property
    def approaches(self) -> list[str]:
        return APPROACHES.keys_in(self.approach_bits)

    @property
    def approach_labels(self) -> list[str]:
        return APPROACHES.labels_in(self.approach_bits)

    @property
    def languages(self) -> list[str]:
        return LANGUAGES.keys_in(self.language_bits)

    @property
    def language_labels(self) -> list[str]:
        return LANGUAGES.labels_in(self.language_bits)

    @property
    def formats(self) -> list[str]:
        return [
            key
            for key, offered in (
                (Format.VIDEO, self.offers_video),
                (Format.PHONE, self.offers_phone),
                (Format.IN_PERSON, self.offers_in_person),
            )
            if offered
        ]

    @property
    def format_labels(self) -> list[str]:
        return [Format(key).label for key in self.formats]

    @property
    def gender_label(self) -> str:
        if self.gender == Gender.SELF_DESCRIBED:
            return self.gender_description
        return Gender(self.gender).label if self.gender else ""

    def money(self, minor: int | None) -> str:
        return format_money(minor, self.currency)

    @property
    def fee_individual_display(self) -> str:
        return self.money(self.fee_individual_minor) if self.sees_individuals else ""

    @property
    def fee_couple_display(self) -> str:
        return self.money(self.fee_couple_minor) if self.sees_couples else ""

    @property
    def shown_fee_display(self) -> str:
        """The session fee the listing shows first, which "lowest fee" sorts by."""
        return self.money(self.shown_fee_minor)

    @property
    def sliding_scale_display(self) -> str:
        return self.money(self.sliding_scale_min_minor)

    # --- life cycle ---------------------------------------------------------------------

    @property
    def can_submit(self) -> bool:
        return self.status in (ProfileStatus.DRAFT, ProfileStatus.CHANGES_REQUESTED)

    @property
    def latest_decision(self) -> VerificationDecision | None:
        return self.decisions.order_by("-decided_at", "-pk").first()

    def is_owned_by(self, user: User | Any) -> bool:
        return bool(user.is_authenticated and self.user_id == user.pk)


def build_search_text(
    *, name: str, statement: str, specialty_bits: int, approach_bits: int, town: str
) -> str:
    """The lower-cased text that text search looks in: name, specialties, approaches, town,
    then the statement (with Markdown punctuation dropped)."""
    parts = [
        name,
        " ".join(SPECIALTIES.labels_in(specialty_bits)),
        " ".join(APPROACHES.labels_in(approach_bits)),
        town,
        re.sub(r"[*_#>`\[\]()]+", " ", statement),
    ]
    return " ".join(" ".join(parts).lower().split())


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:70].strip("-") or "therapist"
    if base in RESERVED_SLUGS:
        base = f"{base}-therapist"
    others = TherapistProfile.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


class Decision(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"


class VerificationDecision(models.Model):
    """One verifier's decision on one submission: the audit trail of who let whom in."""

    profile = models.ForeignKey(
        TherapistProfile, on_delete=models.CASCADE, related_name="decisions"
    )
    # Kept when the verifier's own account is erased: the profile's history must still say
    # a decision was made, and when, even if no longer by whom.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="verification_decisions",
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.TextField(blank=True)
    registration_checked = models.CharField("registration as checked", max_length=200, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            one_of_choices("decision", Decision, name="directory_decision_valid"),
            models.CheckConstraint(
                condition=Q(decision=Decision.APPROVED) | ~Q(reason=""),
                name="directory_decision_reason_unless_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.decided_at:%Y-%m-%d}"


__all__ = [
    "CURRENCY_SYMBOLS",
    "Country",
    "Currency",
    "Decision",
    "Format",
    "Gender",
    "ProfileStatus",
    "TherapistProfile",
    "TierRule",
    "VerificationDecision",
    "budget_fee",
    "build_search_text",
    "format_money",
    "shown_fee",
    "unique_slug",
]
