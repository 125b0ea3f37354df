"""The one shape of every refusal the JSON API gives, and the statuses each route documents.

Every 4xx answer has a ``detail``: a sentence a person can act on, or, when the request
does not fit the schema (a missing field, a word where a number goes), a list of problems,
one per field, as django-ninja reports them. ``refusals(404, 422)`` gives the ``response``
entries a route adds for the refusals it can give, so the OpenAPI description says what the
route really answers (tandem/tests/test_api_schema.py checks it with schemathesis).
"""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

__all__ = ["BODY_REFUSALS", "WRITE_REFUSALS", "Problem", "Refusal", "refusals"]


class Problem(Schema):
    loc: list[str | int] = Field(description='Where: e.g. ["body", "payload", "start"].')
    msg: str
    type: str


class Refusal(Schema):
    detail: str | list[Problem] = Field(
        description="What is wrong: a sentence, or for input that does not fit the schema, "
        "one problem per field."
    )


# Every route with a JSON body can be sent one over the size limit (413) or one that is not
# JSON or does not fit (400, 422).
BODY_REFUSALS = (400, 413, 422)
# Writes need a signed-in browser session (401 without) and its CSRF token (403 without).
WRITE_REFUSALS = (*BODY_REFUSALS, 401, 403, 404, 409)


def refusals(*statuses: int) -> dict[int, type[Schema]]:
    """``{status: Refusal}`` for each status, to merge into a route's ``response``."""
    return dict.fromkeys(statuses, Refusal)
