from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from tandem.assessments.models import Response
from tandem.assessments.tests.helpers import answers_for, complete_check, section_post, section_url
from tandem.conftest import client_for


@pytest.mark.django_db
def test_answers_and_results_are_stored_encrypted(client_user):
    complete_check(client_for(client_user), safety=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers_encrypted, result_encrypted FROM assessments_response")
        answers_column, result_column = cursor.fetchone()
    assert answers_column.startswith("gAAAA") and result_column.startswith("gAAAA")
    for clear in ('"sf1"', "safety", "self_worth", "Your safety"):
        assert clear not in answers_column and clear not in result_column
    response = Response.objects.get()
    assert response.answers["sf1"] == 1
    assert response.result["flags"][0]["key"] == "safety"


@pytest.mark.django_db
def test_in_progress_answers_of_anonymous_visitors_are_encrypted_too(anonymous):
    anonymous.post(
        section_url("relating-styles", "you"),
        section_post("relating-styles", "you", answers_for("relating-styles")),
    )
    stored = Response.objects.values_list("answers_encrypted", flat=True).get()
    assert stored.startswith("gAAAA") and "sr1" not in stored
    # The session holds only the claim token, never answers.
    session = anonymous.session
    assert "sr1" not in str(dict(session.items()))


@pytest.mark.django_db
def test_rotating_keys_re_encrypts_everything_under_the_newest_key(
    settings, client_user, anonymous
):
    old_key = Fernet.generate_key().decode()
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    complete_check(client_for(client_user), value=2)
    complete_check(anonymous, value=4)
    anonymous.post(
        section_url("healthy-relationship", "relationship"),
        section_post("healthy-relationship", "relationship", {}, action="save"),
    )
    before = {r.pk: (r.answers, r.result) for r in Response.objects.all()}
    assert len(before) == 3

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = io.StringIO()
    call_command("reencrypt_answers", "--batch-size", "2", stdout=out)
    assert "Re-encrypted 5 ciphertext(s) in 3 response(s)" in out.getvalue()
    call_command("reencrypt_answers", stdout=io.StringIO())  # again: still fine

    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    after = {r.pk: (r.answers, r.result) for r in Response.objects.all()}
    assert after == before
    token = Response.objects.first().answers_encrypted
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(token.encode())


@pytest.mark.django_db
def test_without_the_key_nothing_can_be_read(settings, client_user):
    complete_check(client_for(client_user))
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(InvalidToken):
        Response.objects.get().answers  # noqa: B018
