"""Small builders for the directory's tests."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tandem.accounts.models import Role, User
from tandem.conftest import make_user
from tandem.directory.gazetteer import find_town
from tandem.directory.models import ProfileStatus, TherapistProfile
from tandem.directory.vocab import APPROACHES, LANGUAGES, SPECIALTIES

_counter = {"n": 0}


def make_profile(
    user: User | None = None,
    *,
    specialties: tuple[str, ...] = ("codependency", "self_esteem"),
    approaches: tuple[str, ...] = ("cbt",),
    languages: tuple[str, ...] = ("en",),
    town: str = "Leeds",
    status: str = ProfileStatus.VERIFIED,
    **fields: Any,
) -> TherapistProfile:
    """A complete profile (verified unless told), for ``user`` or a new therapist."""
    if user is None:
        _counter["n"] += 1
        user = make_user(f"therapist{_counter['n']}@example.com", role=Role.THERAPIST, mfa=False)
    place = find_town(town)
    values: dict[str, Any] = {
        "name": user.name or f"Robin Example {_counter['n']}",
        "statement": "I help people who give too much in their relationships.",
        "qualifications": "MSc Relationship Therapy",
        "registration_body": "BACP",
        "registration_number": "123456",
        "years_in_practice": 5,
        "sees_individuals": True,
        "sees_couples": False,
        "offers_video": True,
        "offers_phone": False,
        "offers_in_person": True,
        "place": "Riverside Rooms",
        "town": place.name,
        "country": place.country,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "currency": "USD" if place.country == "US" else "GBP",
        "fee_individual_minor": 6000,
        "accepting_new_clients": True,
    }
    if status != ProfileStatus.DRAFT:
        values["submitted_at"] = timezone.now()
    values.update(fields)
    return TherapistProfile.objects.create(
        user=user,
        status=status,
        specialty_bits=SPECIALTIES.mask(specialties),
        approach_bits=APPROACHES.mask(approaches),
        language_bits=LANGUAGES.mask(languages),
        **values,
    )


def profile_form_data(**overrides: Any) -> dict[str, Any]:
    """A valid POST for the profile form."""
    data: dict[str, Any] = {
        "name": "Robin Example",
        "pronouns": "they/them",
        "gender": "non_binary",
        "statement": "I work with **codependency** and self-esteem.",
        "qualifications": "MSc Relationship Therapy",
        "registration_body": "BACP",
        "registration_number": "654321",
        "years_in_practice": "4",
        "specialties": ["codependency", "self_esteem"],
        "approaches": ["cbt"],
        "languages": ["en"],
        "sees_individuals": "on",
        "offers_video": "on",
        "offers_in_person": "on",
        "town": "Leeds",
        "place": "Riverside Rooms, Mill Lane",
        "currency": "GBP",
        "fee_individual": "55",
        "accepting_new_clients": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def jpeg_with_gps(size: tuple[int, int] = (1600, 1200)) -> SimpleUploadedFile:
    """A JPEG whose EXIF says where it was taken (GPS) and which way up it is."""
    image = Image.new("RGB", size, (180, 120, 90))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    gps = {1: "N", 2: (53.0, 48.0, 3.0), 3: "W", 4: (1.0, 32.0, 57.0)}
    exif[0x8825] = gps
    exif[0x010F] = "Example Camera Co"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("holiday.jpg", buffer.getvalue(), content_type="image/jpeg")
