from __future__ import annotations

from typing import Any

from django import forms

from tandem.accounts.models import User


class _PasswordAgainForm(forms.Form):
    """The signed-in person's password again, before a step that cannot be taken back.

    A subclass says in ``refusal`` what did not happen when the password is wrong.
    """

    refusal = "That is not your password."

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(self.refusal)
        return password


class DownloadMyDataForm(_PasswordAgainForm):
    """The password again before the file that holds everything leaves the site."""

    refusal = "That is not your password. Nothing was downloaded."


class DeleteAccountForm(_PasswordAgainForm):
    refusal = "That is not your password. Nothing has been deleted."

    confirm = forms.BooleanField(
        label="I understand that this deletes my account and everything in it, for good.",
    )
