"""Full-text search over ``TherapistProfile.search_text``, one implementation per database.

SQLite: an FTS5 index (``directory_profile_fts``, external content) kept in step with the
table by three triggers. PostgreSQL: a stored generated ``tsvector`` column with a GIN index.
Neither is a model field: migration 0002 installs them, and :func:`text_condition` is the
only place that knows their names. Django rebuilds a SQLite table when some columns change,
which drops its triggers; a migration that alters TherapistProfile on SQLite must call
:func:`install` again (the text search tests fail if it does not).

On SQLite the plan depends on how common the words are. Left to itself, SQLite drives a
text search from FTS5's matches: a table row by primary key for each, then a sort. For a
rare word that is a handful of rows; for a common one ("couples" is in a third of the
profiles) it is tens of thousands of wide rows and 30 ms. So :func:`text_condition` first
asks FTS5 whether there are at least ``COMMON_MATCHES`` matches (reading no table rows),
and if so writes the test as ``+id IN (matches)``: the unary ``+`` keeps SQLite from
driving by primary key, so it walks the sort's own index (best match, fee, or the box
near a town) and tests each row against the set of matches, built once, stopping after a
page. The rows matched and their order are the same either way.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

__all__ = ["COMMON_MATCHES", "install", "terms", "text_condition", "uninstall"]

# From this many matches (2 % of 100,000 profiles) walking a sort's index finds a page
# within a few thousand entries, and fetching every match by primary key costs more.
COMMON_MATCHES = 2000

# Plain literals: the table and index names are constants, never from input.
_SQLITE_INSTALL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_profile_fts USING fts5(search_text, "
    "content='directory_therapistprofile', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS directory_profile_fts_insert "
    "AFTER INSERT ON directory_therapistprofile BEGIN "
    "INSERT INTO directory_profile_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
    "CREATE TRIGGER IF NOT EXISTS directory_profile_fts_delete "
    "AFTER DELETE ON directory_therapistprofile BEGIN "
    "INSERT INTO directory_profile_fts(directory_profile_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS directory_profile_fts_update "
    "AFTER UPDATE OF search_text ON directory_therapistprofile BEGIN "
    "INSERT INTO directory_profile_fts(directory_profile_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO directory_profile_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
    "INSERT INTO directory_profile_fts(directory_profile_fts) VALUES ('rebuild')",
]
_SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS directory_profile_fts_insert",
    "DROP TRIGGER IF EXISTS directory_profile_fts_delete",
    "DROP TRIGGER IF EXISTS directory_profile_fts_update",
    "DROP TABLE IF EXISTS directory_profile_fts",
]
_POSTGRES_INSTALL = [
    "ALTER TABLE directory_therapistprofile ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS directory_search_vector_idx ON directory_therapistprofile "
    "USING GIN (search_vector)",
]
_POSTGRES_UNINSTALL = [
    "DROP INDEX IF EXISTS directory_search_vector_idx",
    "ALTER TABLE directory_therapistprofile DROP COLUMN IF EXISTS search_vector",
]


def install(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": _SQLITE_INSTALL, "postgresql": _POSTGRES_INSTALL}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": _SQLITE_UNINSTALL, "postgresql": _POSTGRES_UNINSTALL}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def terms(text: str) -> list[str]:
    """The words of a query, lower-cased, without punctuation: at most eight."""
    return re.findall(r"\w+", text.lower())[:8]


def text_condition(text: str) -> Q | RawSQL | None:
    """A filter condition matching profiles whose text holds every word of ``text`` (each as
    a prefix: "codep" finds "codependency"). ``None`` when the text has no words.

    On SQLite this reads the full-text index once to choose a plan (see the module's
    docstring)."""
    words = terms(text)
    if not words:
        return None
    if connection.vendor == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        return RawSQL(
            "directory_therapistprofile.search_vector @@ to_tsquery('english'::regconfig, %s)",
            [query],
            output_field=BooleanField(),
        )
    if connection.vendor == "sqlite":
        # Each word quoted, so nothing a visitor types is read as FTS5 syntax.
        query = " ".join(f'"{word}"*' for word in words)
        if _sqlite_matches_at_least(query, COMMON_MATCHES):
            return RawSQL(
                "+directory_therapistprofile.id IN "
                "(SELECT rowid FROM directory_profile_fts WHERE directory_profile_fts MATCH %s)",
                [query],
                output_field=BooleanField(),
            )
        matching = RawSQL(
            "SELECT rowid FROM directory_profile_fts WHERE directory_profile_fts MATCH %s",
            [query],
        )
        return Q(id__in=matching)
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return condition


def _sqlite_matches_at_least(query: str, count: int) -> bool:
    """Whether FTS5 finds at least ``count`` profiles: reads rowids from the index only, and
    stops at ``count``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT rowid FROM directory_profile_fts "
            "WHERE directory_profile_fts MATCH %s LIMIT %s)",
            [query, count],
        )
        (found,) = cursor.fetchone()
    return bool(found >= count)
