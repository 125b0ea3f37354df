"""What the forms of several apps share."""

from __future__ import annotations

from django import forms

__all__ = ["DescribedErrorsForm"]


class DescribedErrorsForm(forms.Form):
    """A form whose fields can point to their error messages, for screen readers.

    The template shows each field's error with the id ``id_<name>-error``.
    """

    def describe_errors(self) -> None:
        """Tie each field's error message to its control (aria-invalid, aria-describedby)."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )
