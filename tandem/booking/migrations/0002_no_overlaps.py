"""No two active bookings overlap: per therapist (session + buffer) and per client.

PostgreSQL enforces it with exclusion constraints over time ranges (btree_gist lets the
integer therapist/client column share the GiST index with the range). SQLite has no such
constraint: there the booking service's IMMEDIATE transaction checks and inserts under the
database's single write lock. The operation runs its SQL only on PostgreSQL.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE booking_booking ADD CONSTRAINT booking_no_therapist_overlap
    EXCLUDE USING gist (therapist_id WITH =, tstzrange(starts_at, blocked_until) WITH &&)
    WHERE (status IN ('requested', 'confirmed'))
    """,
    """
    ALTER TABLE booking_booking ADD CONSTRAINT booking_no_client_overlap
    EXCLUDE USING gist (client_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (status IN ('requested', 'confirmed'))
    """,
]
DROP = [
    "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_no_client_overlap",
    "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_no_therapist_overlap",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
