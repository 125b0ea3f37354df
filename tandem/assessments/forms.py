from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from tandem.assessments.flow import FlowSection
from tandem.directory.gazetteer import find_town
from tandem.directory.matching import MatchPreferences
from tandem.directory.models import Currency, Format
from tandem.lib.forms import DescribedErrorsForm

#: The submit buttons' name. Item ids start with a letter, so this never collides with one.
ACTION_FIELD = "_action"
NO_ANSWER = ""


class Action:
    BACK = "back"
    NEXT = "next"
    SAVE = "save"


class SectionForm(forms.Form):
    """One page of a check: a radio group per question, and which button was pressed.

    Every item is optional at this level: "Back" and "Save and finish later" keep partial
    answers. Completeness is the view's decision, item by item, when moving on.
    """

    def __init__(self, *args: Any, flow_section: FlowSection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.flow_section = flow_section
        self.fields[ACTION_FIELD] = forms.ChoiceField(
            choices=[(Action.BACK, "Back"), (Action.NEXT, "Next"), (Action.SAVE, "Save")],
            error_messages={
                "required": "Choose Next, Back or Save to send your answers.",
                "invalid_choice": "That is not one of the buttons on this page.",
            },
        )
        for item in flow_section.items:
            self.fields[item.id] = forms.TypedChoiceField(
                choices=[(NO_ANSWER, "No answer")]
                + [(str(option.value), option.label) for option in item.response.options],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={
                    "invalid_choice": (
                        "That answer is not one of the options for this question. "
                        "Choose one of the answers shown."
                    )
                },
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        known = set(self.fields) | {"csrfmiddlewaretoken"}
        unknown = sorted(key for key in self.data if key not in known)
        if unknown:
            raise ValidationError(
                "This page does not ask %(ids)s. Nothing was saved from this page; your "
                "earlier answers are safe.",
                code="unknown_items",
                params={"ids": ", ".join(repr(key) for key in unknown[:5])},
            )
        return cleaned

    @property
    def action(self) -> str:
        return str(self.cleaned_data[ACTION_FIELD])

    def answers(self) -> dict[str, int | None]:
        return {item.id: self.cleaned_data.get(item.id) for item in self.flow_section.items}


class MatchForm(DescribedErrorsForm):
    """Simple preferences for "Find a therapist for this"."""

    budget = forms.IntegerField(
        label="Most you can pay for a session (optional)",
        min_value=0,
        max_value=1000,
        required=False,
    )
    currency = forms.ChoiceField(
        label="Currency", choices=Currency.choices, initial=Currency.GBP, required=False
    )
    format = forms.ChoiceField(
        label="How would you like to meet?",
        choices=[("", "Any way"), *Format.choices],
        required=False,
    )
    town = forms.CharField(
        label="Town, to meet in person (optional)", max_length=100, required=False
    )

    def to_preferences(self) -> MatchPreferences:
        data = self.cleaned_data
        budget = data.get("budget")
        return MatchPreferences.build(
            max_fee_minor=None if budget is None else budget * 100,  # whole pounds or dollars
            currency=data.get("currency", ""),
            format=data.get("format", ""),
            town=data.get("town"),
        )

    def clean_town(self) -> Any:
        name = self.cleaned_data.get("town", "").strip()
        if not name:
            return None
        try:
            return find_town(name)
        except (KeyError, LookupError, ValueError) as exc:
            raise ValidationError(str(exc)) from exc
