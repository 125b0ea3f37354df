from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from tandem.practice.models import ScheduleKind
from tandem.practice.services import shareable_instruments


def _instrument_choices() -> list[tuple[str, str]]:
    return [(instrument.slug, instrument.title) for instrument in shareable_instruments()]


class ConsentForm(forms.Form):
    """What a client shares with one therapist. One form for sharing, editing and invitations."""

    instruments = forms.MultipleChoiceField(
        label="Which checks to share",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one check to share."},
    )
    share_from = forms.DateField(
        label="Share results completed from",
        # A date input takes only ISO dates: in the locale's format the browser shows it
        # empty, and a client editing their choice could not save without typing it again.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Results completed before this date stay private.",
    )
    auto_share = forms.BooleanField(
        label="Share new results automatically",
        required=False,
        help_text="Otherwise only the results you have now are shared; save again to share "
        "newer ones.",
    )
    share_safety = forms.BooleanField(
        label="Also share my answers to the safety questions",
        required=False,
        help_text="A separate choice. If you say yes and an answer suggests you may not be "
        "safe, your therapist is alerted. If you say no, they see nothing about it, and your "
        "plan (which depends on those answers) is not shown to them either.",
    )

    share_couple_report = forms.BooleanField(
        label="Also share our couple report, if we do the Couple Balance Check together",
        required=False,
        help_text="Your therapist sees it only if your partner says yes too, in their own "
        "sharing with this therapist. It shows how each of you sees the balance, never your "
        "answers to the safety questions.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instruments"].choices = _instrument_choices()  # type: ignore[attr-defined]
        if not self.is_bound and "share_from" not in self.initial:
            self.initial["share_from"] = timezone.localdate()


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Their email address")
    instruments = forms.MultipleChoiceField(
        label="Checks you would like them to share",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one check."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instruments"].choices = _instrument_choices()  # type: ignore[attr-defined]


class ScheduleForm(forms.Form):
    instrument = forms.ChoiceField(label="Check")
    kind = forms.ChoiceField(label="When", choices=ScheduleKind.choices)
    every = forms.IntegerField(
        label="How often (sessions or weeks)",
        required=False,
        min_value=1,
        max_value=52,
        help_text="Only for “every few sessions” and “every few weeks”.",
    )

    def __init__(self, *args: Any, instruments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instruments  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        repeating = kind in (ScheduleKind.EVERY_N_SESSIONS, ScheduleKind.EVERY_N_WEEKS)
        if repeating and not data.get("every"):
            self.add_error("every", "Say how many sessions or weeks apart, from 1 to 52.")
        if not repeating:
            data["every"] = None
        return data
