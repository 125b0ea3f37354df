from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import URLValidator

from tandem.journal.models import CommentStatus

STARTED_SALT = "tandem.journal.comment-started"
# A form older than this is refused too: a page left open for a day gets a fresh form.
STARTED_MAX_AGE = 24 * 3600


def started_token(article_pk: int) -> str:
    return signing.dumps({"a": article_pk, "t": time.time()}, salt=STARTED_SALT)


class TooFast(forms.ValidationError):
    pass


class CommentForm(forms.Form):
    name = forms.CharField(label="Name", max_length=80)
    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="Never shown. We send you a link to delete your comment, and replies if "
        "you ask for them.",
    )
    website = forms.URLField(
        label="Website (optional)",
        max_length=200,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    body = forms.CharField(label="Comment", max_length=5000, widget=forms.Textarea)
    notify_replies = forms.BooleanField(
        label="Email me when someone replies to my comment", required=False
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    started = forms.CharField(widget=forms.HiddenInput)
    # The honeypot: hidden from people by the stylesheet, filled in by bots that fill in all.
    homepage = forms.CharField(label="Leave this empty", required=False)

    def __init__(self, *args: Any, article_pk: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.article_pk = article_pk
        if not self.is_bound:
            self.initial.setdefault("started", started_token(article_pk))
        self.trapped = False

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Please write a comment.")
        return body

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("homepage"):
            self.trapped = True
            raise forms.ValidationError(
                "Your comment could not be posted. If you filled in the field labelled "
                "“Leave this empty”, please clear it and send again."
            )
        try:
            started = signing.loads(
                self.data.get("started", ""), salt=STARTED_SALT, max_age=STARTED_MAX_AGE
            )
        except signing.BadSignature:
            raise forms.ValidationError(
                "This form was open too long or was changed. Please send your comment again."
            ) from None
        if started.get("a") != self.article_pk:
            raise forms.ValidationError("Please send your comment from the article's own page.")
        if time.time() - float(started.get("t", 0)) < settings.JOURNAL_COMMENT_MIN_SECONDS:
            raise TooFast(
                "That was very quick, so we could not tell you from a robot. Please wait a few "
                "seconds and send your comment again."
            )
        return cleaned

    def fresh_started(self) -> str:
        return started_token(self.article_pk)


class ModerationForm(forms.Form):
    ACTIONS = {
        "approve": CommentStatus.APPROVED,
        "reject": CommentStatus.REJECTED,
        "spam": CommentStatus.SPAM,
    }
    action = forms.ChoiceField(choices=[(key, key) for key in ACTIONS])
    comments = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args: Any, comment_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        comments = self.fields["comments"]
        assert isinstance(comments, forms.TypedMultipleChoiceField)
        comments.choices = [(pk, pk) for pk in comment_ids]
        comments.error_messages["required"] = "Tick at least one comment."

    @property
    def status(self) -> CommentStatus:
        return self.ACTIONS[self.cleaned_data["action"]]


class StaffReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", max_length=5000, widget=forms.Textarea)
