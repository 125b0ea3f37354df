"""PostgreSQL-only help for search on rare values: partial indexes and planner statistics.

The portable indexes (``TherapistProfile.Meta.indexes``) walk the verified profiles in a
sort's order and test every filter on the way. That is quick when matches are common and
slow when one filter is rare (a language other than English, a low fee in dollars): the
walk then reads most of a 200 MB index to find 20 rows, or to find none.

- One partial index per language other than English holds only the verified profiles that
  offer it (at most a few per cent of rows), keyed by currency and then the "best match"
  order, and carrying every filter column, so a search or match naming that language reads
  a few thousand index entries, and one that also names a currency reads fewer.
- Statistics on each bit of the bit-mask columns (and on currency with each language, and
  currency with the fee columns) tell the planner how rare a filter really is; without them
  it guesses a third for ``bits & n > 0`` and prefers the long walk.

Migration 0004 installs them from the vocabularies. A new language in ``vocab.py`` needs a
migration that calls :func:`install` again (every statement is ``IF NOT EXISTS``).
"""

from __future__ import annotations

from typing import Any

from tandem.directory.vocab import APPROACHES, LANGUAGES, SPECIALTIES

__all__ = ["COMMON_LANGUAGES", "install", "statements", "uninstall"]

TABLE = "directory_therapistprofile"
# Offered by nearly everyone: a partial index would be as large as the table's.
COMMON_LANGUAGES = frozenset({"en"})
_CARRIED = [
    "specialty_bits",
    "approach_bits",
    "language_bits",
    "sees_individuals",
    "sees_couples",
    "offers_video",
    "offers_phone",
    "offers_in_person",
    "fee_individual_minor",
    "fee_couple_minor",
    "sliding_scale_min_minor",
    "lowest_fee_minor",
    "gender",
    "tier",
    "user_id",
    "latitude",
    "longitude",
]


def _language_indexes() -> list[tuple[str, str]]:
    found = []
    for term in LANGUAGES.terms:
        if term.key in COMMON_LANGUAGES:
            continue
        name = f"directory_lang_{term.key}_idx"
        # The predicate is written as search.bit_condition renders it, so the planner can
        # prove a query's language filter implies it.
        found.append(
            (
                name,
                f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} "
                f"(currency, accepting_new_clients DESC, id) INCLUDE ({', '.join(_CARRIED)}) "
                f"WHERE status = 'verified' AND (language_bits & {term.bit}) > 0",
            )
        )
    return found


def _statistics() -> list[tuple[str, str]]:
    found = []
    for term in LANGUAGES.terms:
        name = f"directory_lang_{term.key}_stats"
        # With the currency: a language spoken in one country is rare in the other's.
        found.append(
            (
                name,
                f"CREATE STATISTICS IF NOT EXISTS {name} (mcv) "
                f"ON currency, (language_bits & {term.bit}) FROM {TABLE}",
            )
        )
    for column, vocabulary in (("specialty_bits", SPECIALTIES), ("approach_bits", APPROACHES)):
        prefix = column.split("_")[0]
        for term in vocabulary.terms:
            name = f"directory_{prefix}_{term.key}_stats"
            found.append(
                (
                    name,
                    f"CREATE STATISTICS IF NOT EXISTS {name} "
                    f"ON ({column} & {term.bit}) FROM {TABLE}",
                )
            )
    for column in ("fee_individual_minor", "sliding_scale_min_minor"):
        # Fees are in the currency's units: a low fee in dollars is far rarer than in pounds.
        name = f"directory_{column.split('_')[0]}_currency_stats"
        found.append(
            (
                name,
                f"CREATE STATISTICS IF NOT EXISTS {name} (mcv) ON currency, {column} FROM {TABLE}",
            )
        )
    return found


def statements() -> list[str]:
    """The DDL, in order (for reading; :func:`install` runs it)."""
    return [sql for _name, sql in (*_language_indexes(), *_statistics())] + [f"ANALYZE {TABLE}"]


def install(schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements():
        schema_editor.execute(statement)


def uninstall(schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in _statistics():
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")
    for name, _sql in _language_indexes():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
