from __future__ import annotations

from django import forms

from tandem.directory.models import Format
from tandem.lib.forms import DescribedErrorsForm

CONSENT_LABEL = "I have read what my partner will and will not see, and I agree."


class StartForm(forms.Form):
    partner_email = forms.EmailField(
        label="Your partner's email address",
        max_length=254,
        error_messages={
            "required": "Enter your partner's email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    consent = forms.BooleanField(
        label=CONSENT_LABEL,
        error_messages={"required": "Please confirm you have read the statement above."},
    )


class AcceptForm(forms.Form):
    consent = forms.BooleanField(
        label=CONSENT_LABEL,
        error_messages={"required": "Please confirm you have read the statement above."},
    )


class CouplePreferencesForm(DescribedErrorsForm):
    """One partner's part of "Find a couples therapist": their share and how they can meet."""

    budget_share = forms.IntegerField(
        label="The most you can pay towards a session, in pounds (optional)",
        min_value=0,
        max_value=1000,
        required=False,
        error_messages={"invalid": "Enter a whole number of pounds, like 40."},
    )
    formats = forms.MultipleChoiceField(
        label="Ways you can meet",
        choices=Format.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
