from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from tandem.directory.content import clean_photo
from tandem.directory.gazetteer import Town, UnknownTown, find_town
from tandem.directory.hooks import SavedResult
from tandem.directory.matching import MatchPreferences
from tandem.directory.models import (
    Currency,
    Decision,
    Format,
    Gender,
    TherapistProfile,
    Tier,
)
from tandem.directory.search import SORTS, SearchParams
from tandem.directory.vocab import APPROACHES, LANGUAGES, SPECIALTIES

MAX_FEE = Decimal("10000")
MAX_RESULT_BYTES = 64 * 1024
RADII = [(5, "5 km"), (10, "10 km"), (25, "25 km"), (50, "50 km"), (100, "100 km")]


def _minor(amount: Decimal | None) -> int | None:
    return None if amount is None else int((amount * 100).to_integral_value())


def _major(minor: int | None) -> Decimal | None:
    return None if minor is None else Decimal(minor) / 100


def _money_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_value=MAX_FEE,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


def _town(value: str) -> Town:
    try:
        return find_town(value)
    except UnknownTown as unknown:
        raise ValidationError(str(unknown), code="unknown_town") from None


class ProfileForm(forms.ModelForm[TherapistProfile]):
    """A therapist's own profile. Fees are typed in pounds or dollars and kept in minor units;
    the town is looked up in the gazetteer for its coordinates."""

    photo_upload = forms.FileField(
        label="Photo",
        required=False,
        help_text="A clear photo of your face. JPEG, PNG or WebP, up to 8 MB. We resize it and "
        "remove hidden information such as where it was taken.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label="Remove my photo", required=False)
    specialties = forms.MultipleChoiceField(
        choices=SPECIALTIES.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What you work with. Choose up to eight.",
    )
    approaches = forms.MultipleChoiceField(
        choices=APPROACHES.choices, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGES.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Languages you offer sessions in.",
    )
    fee_individual = _money_field(
        "Fee for an individual session", help_text="Leave empty if you only see couples."
    )
    fee_couple = _money_field(
        "Fee for a couple session", help_text="Leave empty if you do not see couples."
    )
    sliding_scale_min = _money_field(
        "Lowest fee on your sliding scale",
        help_text="If you offer lower fees to people on low incomes; leave empty if not.",
    )

    class Meta:
        model = TherapistProfile
        fields = [
            "name",
            "pronouns",
            "gender",
            "gender_description",
            "statement",
            "qualifications",
            "registration_body",
            "registration_number",
            "years_in_practice",
            "sees_individuals",
            "sees_couples",
            "offers_video",
            "offers_phone",
            "offers_in_person",
            "town",
            "place",
            "currency",
            "accepting_new_clients",
        ]
        labels = {
            "name": "Your name as clients will see it",
            "gender": "Gender (optional)",
            "statement": "About you and how you work",
            "registration_body": "Professional body you are registered with",
            "registration_number": "Registration or licence number",
            "sees_individuals": "I see individuals",
            "sees_couples": "I see couples",
            "offers_video": "Video",
            "offers_phone": "Phone",
            "offers_in_person": "In person",
            "town": "Town or city you practise from",
            "accepting_new_clients": "I am taking new clients",
        }
        help_texts = {
            "pronouns": "For example she/her, he/him, they/them. Optional.",
            "gender_description": "Only if you chose “In another way”.",
            "statement": "In your own words. You can use Markdown: *emphasis*, **bold**, lists "
            "and links.",
            "qualifications": "One per line, for example “MSc Relationship Therapy (2015)”.",
            "registration_body": "For example BACP, UKCP, COSRT or a US state licensing board.",
            "registration_number": "Our verifiers check this on the body's public register.",
            "town": "For “near me” searches: the nearest large town or city.",
            "place": "Where you see clients in person, for example “Riverside Rooms, Mill "
            "Lane”. Only if you see people in person.",
        }
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 10}),
            "qualifications": forms.Textarea(attrs={"rows": 4}),
            "town": forms.TextInput(attrs={"list": "towns", "autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        profile = self.instance
        if profile.pk:
            self.initial.update(
                specialties=profile.specialties,
                approaches=profile.approaches,
                languages=profile.languages,
                fee_individual=_major(profile.fee_individual_minor),
                fee_couple=_major(profile.fee_couple_minor),
                sliding_scale_min=_major(profile.sliding_scale_min_minor),
            )
        else:
            self.initial.setdefault("languages", ["en"])

    def clean_photo_upload(self) -> Any:
        upload = self.cleaned_data.get("photo_upload")
        return clean_photo(upload) if upload else None

    def clean_specialties(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["specialties"]
        if len(chosen) > 8:
            raise ValidationError("Please choose at most eight specialties.")
        return chosen

    def clean_town(self) -> str:
        town = _town(self.cleaned_data["town"])
        self.town = town
        return town.name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if not (data.get("sees_individuals") or data.get("sees_couples")):
            self.add_error("sees_individuals", "Tick who you see: individuals, couples or both.")
        if data.get("sees_individuals") and data.get("fee_individual") is None:
            self.add_error("fee_individual", "Enter your fee for an individual session.")
        if data.get("sees_couples") and data.get("fee_couple") is None:
            self.add_error("fee_couple", "Enter your fee for a couple session.")
        if not (
            data.get("offers_video") or data.get("offers_phone") or data.get("offers_in_person")
        ):
            self.add_error("offers_video", "Tick at least one way you see clients.")
        if data.get("offers_in_person") and not data.get("place", "").strip():
            self.add_error("place", "Say where you see people in person.")
        if data.get("gender") == Gender.SELF_DESCRIBED and not data.get("gender_description"):
            self.add_error("gender_description", "Describe your gender, or leave gender empty.")
        return data

    def save(self, commit: bool = True) -> TherapistProfile:
        profile = super().save(commit=False)
        data = self.cleaned_data
        profile.specialty_bits = SPECIALTIES.mask(data["specialties"])
        profile.approach_bits = APPROACHES.mask(data["approaches"])
        profile.language_bits = LANGUAGES.mask(data["languages"])
        profile.fee_individual_minor = (
            _minor(data.get("fee_individual")) if data.get("sees_individuals") else None
        )
        profile.fee_couple_minor = (
            _minor(data.get("fee_couple")) if data.get("sees_couples") else None
        )
        profile.sliding_scale_min_minor = _minor(data.get("sliding_scale_min"))
        if profile.gender != Gender.SELF_DESCRIBED:
            profile.gender_description = ""
        town: Town = self.town
        profile.latitude, profile.longitude, profile.country = (
            town.latitude,
            town.longitude,
            town.country,
        )
        if not profile.offers_in_person:
            profile.place = ""
        old_photo = profile.photo.name if profile.photo else ""
        if data.get("photo_upload") is not None:
            profile.photo.save(data["photo_upload"].name, data["photo_upload"], save=False)
        elif data.get("remove_photo"):
            profile.photo = ""
        self.replaced_photo = old_photo if old_photo != (profile.photo.name or "") else ""
        if commit:
            profile.save()
        return profile


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    registration_checked = forms.BooleanField(
        label="I have checked this registration on the professional body's public register",
        required=False,
    )
    reason = forms.CharField(
        label="Reason (the therapist sees this)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when you ask for changes or reject: say what to change, or why.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        decision = data.get("decision")
        if decision == Decision.APPROVED and not data.get("registration_checked"):
            self.add_error(
                "registration_checked", "Check the registration before approving the profile."
            )
        if (
            decision in (Decision.CHANGES_REQUESTED, Decision.REJECTED)
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", "Give the therapist a reason.")
        return data


def _blank(choices: list[tuple[str, str]], label: str = "Any") -> list[tuple[str, str]]:
    return [("", label), *choices]


def _near_field(help_text: str) -> forms.CharField:
    return forms.CharField(
        label="In person near",
        required=False,
        max_length=100,
        help_text=help_text,
        widget=forms.TextInput(attrs={"list": "towns", "autocomplete": "off"}),
    )


def _within_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label="Within", required=False, choices=RADII, coerce=int, empty_value="25"
    )


def _gender_field(blank: str) -> forms.ChoiceField:
    genders = [c for c in Gender.choices if c[0] != Gender.SELF_DESCRIBED]
    return forms.ChoiceField(
        label="Therapist's gender", required=False, choices=_blank(genders, blank)
    )


class _NearForm(forms.Form):
    """The search and the match forms both read "near" as a town of the gazetteer."""

    def clean_near(self) -> Town | None:
        value = self.cleaned_data.get("near", "").strip()
        return _town(value) if value else None


class SearchForm(_NearForm):
    """The search's URL query, validated. Every field is optional."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    format = forms.ChoiceField(
        label="How you'd like to meet", required=False, choices=_blank(Format.choices)
    )
    near = _near_field("A town or city in the UK or US.")
    within_km = _within_field()
    max_fee = _money_field("Maximum fee per session")
    currency = forms.ChoiceField(label="Currency", required=False, choices=Currency.choices)
    sliding_scale = forms.BooleanField(label="Offers a sliding scale", required=False)
    specialty = forms.ChoiceField(
        label="Works with", required=False, choices=_blank(SPECIALTIES.choices)
    )
    approach = forms.ChoiceField(
        label="Approach", required=False, choices=_blank(APPROACHES.choices)
    )
    couples = forms.BooleanField(label="Sees couples", required=False)
    language = forms.ChoiceField(
        label="Language", required=False, choices=_blank(LANGUAGES.choices)
    )
    gender = _gender_field("Any")
    tier = forms.ChoiceField(label="Tier", required=False, choices=_blank(Tier.choices))
    accepting = forms.BooleanField(label="Taking new clients", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(SORTS.items()))
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None:
            # A bound search shows the defaults it runs with, not the first choice of each list.
            data = data.copy()
            for key, default in (("within_km", "25"), ("currency", Currency.GBP)):
                if not data.get(key):
                    data[key] = default
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if data.get("sort") == "nearest" and data.get("near") is None and "near" not in self.errors:
            self.add_error("near", "Enter a town to sort by distance.")
        return data

    def to_params(self) -> SearchParams:
        data = self.cleaned_data
        town: Town | None = data.get("near")
        return SearchParams(
            q=data.get("q", "").strip(),
            format=data.get("format") or "",
            near=town.name if town else "",
            town=town,
            within_km=int(data.get("within_km") or 25),
            max_fee_minor=_minor(data.get("max_fee")),
            currency=data.get("currency") or Currency.GBP,
            sliding_scale=bool(data.get("sliding_scale")),
            specialty=data.get("specialty") or "",
            approach=data.get("approach") or "",
            couples=bool(data.get("couples")),
            language=data.get("language") or "",
            gender=data.get("gender") or "",
            tier=data.get("tier") or "",
            accepting=bool(data.get("accepting")),
            sort=data.get("sort") or "best",
            page=data.get("page") or 1,
        )


#: The match form's choice of starting from no saved result at all.
BY_HAND = "none"


def saved_result_label(found: SavedResult) -> str:
    """ "3 Nov 2026: Relating styles": when it was finished (first, so a narrow list still
    shows it), and which check."""
    when = date_format(timezone.localtime(found.completed_at), "j M Y")
    return f"{when}: {found.title}"


class MatchForm(_NearForm):
    """Preferences for matching, and optionally a check's result (from the results page)."""

    max_fee = _money_field("Most you can pay per session")
    currency = forms.ChoiceField(label="Currency", required=False, choices=Currency.choices)
    format = forms.ChoiceField(
        label="How you'd like to meet",
        required=False,
        choices=_blank(Format.choices, "No preference"),
    )
    near = _near_field("Only if you want to meet in person: a town or city in the UK or US.")
    within_km = _within_field()
    language = forms.ChoiceField(
        label="Language", required=False, choices=_blank(LANGUAGES.choices, "No preference")
    )
    couples = forms.BooleanField(label="We want to come as a couple", required=False)
    gender = _gender_field("No preference")
    specialties = forms.MultipleChoiceField(
        label="Anything you'd like them to work with",
        required=False,
        choices=SPECIALTIES.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    result = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data: Any = None, *, saved: list[SavedResult] | None = None, **kwargs: Any
    ) -> None:
        if data is not None and not data.get("within_km"):
            data = data.copy()
            data["within_km"] = "25"
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, **kwargs)
        self.saved = {found.key: found for found in saved or ()}
        if self.saved:
            # A signed-in person with saved results chooses which one to start from; only
            # their own are choices, so another person's result id is refused as bad input.
            self.fields["use"] = forms.ChoiceField(
                label="Start from",
                required=False,
                choices=[
                    *((found.key, saved_result_label(found)) for found in self.saved.values()),
                    (BY_HAND, "None: only my preferences"),
                ],
            )

    @property
    def chosen(self) -> SavedResult | None:
        """The saved result the person chose (None: a posted result, or preferences alone)."""
        if not hasattr(self, "cleaned_data"):
            return None
        return self.saved.get(self.cleaned_data.get("use") or "")

    def clean_result(self) -> dict[str, Any] | None:
        raw = self.cleaned_data.get("result", "")
        if not raw:
            return None
        if len(raw.encode()) > MAX_RESULT_BYTES:
            raise ValidationError("That result is too large to read.")
        try:
            result = json.loads(raw)
        except ValueError:
            raise ValidationError("That result could not be read.") from None
        if not isinstance(result, dict):
            raise ValidationError("That result could not be read.")
        return result

    def to_preferences(self) -> MatchPreferences:
        data = self.cleaned_data
        return MatchPreferences.build(
            max_fee_minor=_minor(data.get("max_fee")),
            currency=data.get("currency", ""),
            format=data.get("format", ""),
            town=data.get("near"),
            within_km=data.get("within_km"),
            language=data.get("language", ""),
            couples=data.get("couples", False),
            gender=data.get("gender", ""),
            specialties=data.get("specialties", ()),
        )

    @property
    def result_json(self) -> str:
        """The result as posted, to carry it through a refined search."""
        result = self.cleaned_data.get("result") if hasattr(self, "cleaned_data") else None
        return json.dumps(result) if result else ""
