"""The soonest free slot moves from booking's settings onto the therapist's profile.

The directory sorts by it; on the profile it needs no join and has its own index
(``directory_soonest_idx``). The stored values are copied across, so the sort stays right
until the next refresh.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_to_profiles(apps, schema_editor):
    settings = apps.get_model("booking", "BookingSettings")
    profiles = apps.get_model("directory", "TherapistProfile")
    same = settings.objects.filter(therapist_id=OuterRef("pk"))
    profiles.objects.filter(booking_settings__isnull=False).update(
        next_free_at=Subquery(same.values("next_free_at")[:1]),
        next_free_checked_at=Subquery(same.values("next_free_checked_at")[:1]),
    )


def copy_to_settings(apps, schema_editor):
    settings = apps.get_model("booking", "BookingSettings")
    profiles = apps.get_model("directory", "TherapistProfile")
    same = profiles.objects.filter(pk=OuterRef("therapist_id"))
    settings.objects.update(
        next_free_at=Subquery(same.values("next_free_at")[:1]),
        next_free_checked_at=Subquery(same.values("next_free_checked_at")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0003_booking_partner_alter_booking_cancelled_by_and_more"),
        ("directory", "0006_soonest_slot_on_profile"),
    ]

    operations = [
        migrations.RunPython(copy_to_profiles, copy_to_settings),
        migrations.RemoveIndex(
            model_name="bookingsettings",
            name="booking_next_free_idx",
        ),
        migrations.RemoveField(
            model_name="bookingsettings",
            name="next_free_at",
        ),
        migrations.RemoveField(
            model_name="bookingsettings",
            name="next_free_checked_at",
        ),
    ]
