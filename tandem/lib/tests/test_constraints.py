"""one_of_choices: a check constraint on a field's choices, named as the model says."""

from __future__ import annotations

from django.db import models

from tandem.lib.constraints import one_of_choices


class Colour(models.TextChoices):
    RED = "red", "Red"
    BLUE = "blue", "Blue"


def test_it_checks_the_field_against_the_choices_values() -> None:
    constraint = one_of_choices("colour", Colour, name="some_colour_valid")
    assert constraint.name == "some_colour_valid"
    assert constraint.condition.children == [("colour__in", ["red", "blue"])]
