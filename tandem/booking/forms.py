from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django import forms
from django.utils import timezone

from tandem.booking.models import (
    BookingSettings,
    DateException,
    ExceptionKind,
    SessionType,
    WeeklyHours,
    time_zone_choices,
    validate_time_zone,
)
from tandem.booking.slots import OUT_OF_REACH, within_reach
from tandem.directory.models import Format, TherapistProfile

SLOT_FORMAT = "%Y-%m-%dT%H:%MZ"


def slot_key(instant: datetime) -> str:
    """A slot's start as it travels in forms and links: ``2027-03-29T08:00Z``."""
    return instant.astimezone(UTC).strftime(SLOT_FORMAT)


class SlotField(forms.CharField):
    def to_python(self, value: Any) -> datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            instant = datetime.strptime(text, SLOT_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            raise forms.ValidationError("Please choose one of the times shown.") from None
        if not within_reach(instant, timezone.now()):
            raise forms.ValidationError(OUT_OF_REACH)
        return instant


def _date_within_reach(day: date | None) -> date | None:
    if day is not None and not within_reach(day, timezone.now()):
        raise forms.ValidationError(OUT_OF_REACH.replace("a time", "a date"))
    return day


def _offer_sessions_of(field: forms.Field, therapist: TherapistProfile) -> None:
    """Let ``field`` choose among the therapist's active session types, by their label."""
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = SessionType.objects.filter(therapist=therapist, is_active=True)
    field.label_from_instance = lambda obj: obj.label  # type: ignore[method-assign]


class ViewForm(forms.Form):
    """What the book page shows: which session, in which zone, from which day."""

    session = forms.ModelChoiceField(queryset=SessionType.objects.none(), label="Session")
    tz = forms.ChoiceField(label="Show times in", choices=())
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, therapist: TherapistProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_sessions_of(self.fields["session"], therapist)
        tz = self.fields["tz"]
        assert isinstance(tz, forms.ChoiceField)
        tz.choices = time_zone_choices()
        tz.widget.attrs["data-booking-timezone"] = ""

    def clean_start(self) -> date | None:
        return _date_within_reach(self.cleaned_data.get("start"))


class ClientNameField(forms.CharField):
    """The name the therapist will call the client by; asked, never taken from the address."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Your name, as the therapist will see it")
        kwargs.setdefault(
            "help_text",
            "A first name or a nickname is fine. The therapist never sees your email address.",
        )
        kwargs.setdefault("error_messages", {"required": "Please tell us the name to give them."})
        super().__init__(max_length=150, **kwargs)
        self.widget.attrs.setdefault("autocomplete", "name")


class SlotChoiceForm(forms.Form):
    """The session and time picked on the book page, as the confirm page receives them."""

    session = forms.ModelChoiceField(queryset=SessionType.objects.none(), widget=forms.HiddenInput)
    start = SlotField(widget=forms.HiddenInput)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, therapist: TherapistProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        session = self.fields["session"]
        assert isinstance(session, forms.ModelChoiceField)
        session.queryset = SessionType.objects.filter(therapist=therapist, is_active=True)


class BookingForm(SlotChoiceForm):
    client_name = ClientNameField()
    note = forms.CharField(
        label="Anything the therapist should know before you meet (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TakeOfferForm(forms.Form):
    client_name = ClientNameField()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The other person sees this.",
    )


class RescheduleForm(ReasonForm):
    start = SlotField(label="New time")

    field_order = ["start", "reason"]


class DecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("yes", "Accept"), ("no", "Decline")], coerce=lambda value: value == "yes"
    )
    reason = forms.CharField(
        label="Reason (when declining)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("accept") is False and not data.get("reason", "").strip():
            self.add_error("reason", "Please tell the client why.")
        return data


class WaitlistForm(forms.Form):
    session = forms.ModelChoiceField(queryset=SessionType.objects.none(), label="Session")

    def __init__(self, *args: Any, therapist: TherapistProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_sessions_of(self.fields["session"], therapist)


# --- The therapist's rules ----------------------------------------------------------------


class RulesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Your time zone", choices=(), validators=[validate_time_zone]
    )

    class Meta:
        model = BookingSettings
        fields = [
            "time_zone",
            "buffer_minutes",
            "minimum_notice_minutes",
            "horizon_days",
            "daily_cap",
            "auto_confirm",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = self.fields["time_zone"]
        assert isinstance(zone, forms.ChoiceField)
        zone.choices = time_zone_choices()
        self.fields["horizon_days"].min_value = 1  # type: ignore[attr-defined]
        self.fields["horizon_days"].widget.attrs["min"] = 1


class WeeklyHoursForm(forms.ModelForm):
    class Meta:
        model = WeeklyHours
        fields = ["weekday", "start", "end"]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}),
            "end": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start >= end:
            self.add_error("end", "The end must be after the start.")
        return data


class DateExceptionForm(forms.ModelForm):
    class Meta:
        model = DateException
        fields = ["date", "kind", "start", "end", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "start": forms.TimeInput(attrs={"type": "time"}),
            "end": forms.TimeInput(attrs={"type": "time"}),
        }
        help_texts = {"start": "For extra hours only.", "end": "For extra hours only."}

    def clean_date(self) -> date | None:
        return _date_within_reach(self.cleaned_data.get("date"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ExceptionKind.EXTRA_HOURS:
            start, end = data.get("start"), data.get("end")
            if not start:
                self.add_error("start", "Extra hours need a start time.")
            if not end:
                self.add_error("end", "Extra hours need an end time.")
            if start and end and start >= end:
                self.add_error("end", "The end must be after the start.")
        else:
            data["start"] = data["end"] = None
        return data


class SessionTypeForm(forms.ModelForm):
    price = forms.DecimalField(
        label="Price", min_value=0, max_digits=8, decimal_places=2, help_text="0 for free."
    )

    class Meta:
        model = SessionType
        fields = [
            "name",
            "minutes",
            "format",
            "for_couples",
            "cancellation_window_hours",
            "is_active",
        ]

    def __init__(self, *args: Any, therapist: TherapistProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.therapist = therapist
        self.fields["minutes"].widget.attrs.update(min=5, max=480)
        fmt = self.fields["format"]
        assert isinstance(fmt, forms.ChoiceField)
        fmt.choices = [(key, Format(key).label) for key in therapist.formats]
        if self.instance.pk:
            self.fields["price"].initial = self.instance.price_minor / 100
        self.fields["price"].label = f"Price ({therapist.currency})"

    def clean_minutes(self) -> int:
        minutes = self.cleaned_data["minutes"]
        if not 5 <= minutes <= 480:
            raise forms.ValidationError("A session lasts between 5 and 480 minutes.")
        return minutes

    def save(self, commit: bool = True) -> SessionType:
        session = super().save(commit=False)
        session.therapist = self.therapist
        session.currency = self.therapist.currency
        session.price_minor = round(self.cleaned_data["price"] * 100)
        if commit:
            session.save()
        return session
