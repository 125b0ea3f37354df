import datetime as dt

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tandem.accounts.models import Role
from tandem.conftest import PASSWORD, client_for, enable_mfa, make_user, totp_code

pytestmark = pytest.mark.django_db

ROLES_THAT_NEED_MFA = [Role.THERAPIST, Role.EDITOR, Role.VERIFIER, Role.ADMINISTRATOR]


@pytest.mark.parametrize("role", ROLES_THAT_NEED_MFA)
@pytest.mark.parametrize("path", ["/", "/my-data/", "/admin/", "/for-therapists/"])
def test_staff_and_therapists_without_mfa_are_sent_to_set_it_up(role, path):
    person = make_user(f"{role}@example.com", role=role)

    response = client_for(person).get(path)

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", ROLES_THAT_NEED_MFA)
def test_staff_and_therapists_with_mfa_get_through(role):
    person = make_user(f"{role}@example.com", role=role, mfa=True)

    assert client_for(person).get("/my-data/").status_code == 200


def test_clients_are_not_forced_to_use_mfa(client_user):
    assert client_for(client_user).get("/my-data/").status_code == 200


def test_only_staff_roles_reach_the_admin(client_user, therapist_user, editor_user):
    assert client_for(client_user).get("/admin/").status_code == 302
    assert client_for(therapist_user).get("/admin/").status_code == 302
    assert client_for(editor_user).get("/admin/").status_code == 200


def test_a_therapist_enrols_in_totp_and_then_needs_a_code_to_sign_in(anonymous):
    person = make_user("new.therapist@example.com", role=Role.THERAPIST)
    http = type(anonymous)()
    http.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    # Setting up MFA is a sensitive change: allauth asks for the password once more first.
    assert http.get(reverse("mfa_activate_totp")).url.startswith(reverse("account_reauthenticate"))
    http.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = http.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret

    response = http.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    # The TOTP secret is stored encrypted, never as the plain secret.
    stored = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    assert secret not in str(stored.data)
    assert http.get("/my-data/").status_code == 200

    login = anonymous.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert login.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in anonymous.session
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=31)):
        anonymous.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        assert anonymous.session["_auth_user_id"] == str(person.pk)


def test_a_wrong_totp_code_is_refused(anonymous, therapist_user):
    anonymous.post(reverse("account_login"), {"login": therapist_user.email, "password": PASSWORD})

    response = anonymous.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert "_auth_user_id" not in anonymous.session


def test_a_therapist_cannot_switch_mfa_off(anonymous):
    person = make_user("theo2@example.com", role=Role.THERAPIST)
    secret = enable_mfa(person)
    anonymous.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    anonymous.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    anonymous.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = anonymous.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert "You cannot deactivate two-factor authentication" in response.content.decode()
    assert Authenticator.objects.filter(user=person, type="totp").exists()


def test_a_client_can_switch_their_own_mfa_off(anonymous, client_user):
    secret = enable_mfa(client_user)
    anonymous.post(reverse("account_login"), {"login": client_user.email, "password": PASSWORD})
    anonymous.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    anonymous.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    anonymous.post(reverse("mfa_deactivate_totp"))

    assert not Authenticator.objects.filter(user=client_user, type="totp").exists()


def test_changing_email_or_mfa_asks_for_the_password_again_after_a_while(client_user):
    http = client_for(client_user)
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=10)
    with time_machine.travel(later):
        email = http.post(
            reverse("account_email"), {"action_add": "", "email": "another@example.com"}
        )
        mfa = http.get(reverse("mfa_activate_totp"))

    assert email.status_code == 302 and email.url.startswith(reverse("account_reauthenticate"))
    assert mfa.status_code == 302 and mfa.url.startswith(reverse("account_reauthenticate"))
    assert not client_user.emailaddress_set.filter(email="another@example.com").exists()
