"""Benchmark the directory's search and matching at scale.

Generates synthetic therapists (100,000 on SQLite, 1,000,000 on PostgreSQL by default), runs a
mix of realistic searches and matches, and prints p50 and p95 latency, each also as a ratio to a
single indexed lookup (a profile by slug) measured in the same run.

    .venv/bin/python bench/directory_search.py                      # both databases
    .venv/bin/python bench/directory_search.py --pg-count 0         # SQLite only
    .venv/bin/python bench/directory_search.py --sqlite-count 20000 --pg-count 100000

Each database runs in its own process (Django's settings are read once per process). The
SQLite file and the PostgreSQL database (``tandem_bench``, never the test database) are kept
between runs and reused when they already hold the requested number of therapists.
Targets for the search and match mix: p95 under 30 ms at 100,000 on SQLite, under 10 ms at
1,000,000 on PostgreSQL. Searches sorted by the soonest free slot are timed beside the mix and
reported on their own (seven in ten therapists are given a stored slot within 30 days, as
booking and cron keep them, and the clock is held a minute after, so none is stale).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import time_machine

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = {"sqlite": 30.0, "postgresql": 10.0}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- The workload --------------------------------------------------------------------------


def _workload(rng: random.Random, size: int) -> list[tuple[str, dict[str, Any]]]:
    """(kind, parameters) pairs: searches as the search page's query, matches as a result
    and preferences. Shares are rough guesses at how people use the directory."""
    from tandem.directory.gazetteer import towns
    from tandem.directory.generate import SURNAMES
    from tandem.directory.vocab import APPROACHES, SPECIALTIES

    big_towns = [
        t.name
        for t in towns()
        if t.name
        in (
            "London",
            "Manchester",
            "Leeds",
            "New York",
            "Chicago",
            "Los Angeles",
            "Bristol",
            "Glasgow",
            "Boston",
        )
    ]
    all_towns = [t.label for t in towns()]
    words = [
        "codependency",
        "attachment",
        "trust",
        "couples",
        "self-esteem",
        "grief loss",
        "boundaries",
        "anxiety",
        "listening",
        "infidelity",
        "abuse",
        "family",
    ]
    results = [
        {
            "style": {"primary": "codependent", "pattern": "clear"},
            "plan": [{"strategy": "needs_boundaries"}, {"strategy": "self_esteem"}],
            "flags": [],
        },
        {
            "style": {"primary": "counterdependent", "pattern": "switching"},
            "plan": [{"strategy": "attachment"}, {"strategy": "listening"}],
            "flags": [],
        },
        {"style": {"primary": "dependent"}, "plan": [{"strategy": "alone"}], "flags": []},
        {
            "style": {"primary": "interdependent"},
            "plan": [{"strategy": "couples_counselling"}],
            "flags": [],
        },
        {
            "style": {"primary": "codependent"},
            "plan": [{"strategy": "specialist_support"}],
            "flags": [{"key": "safety"}],
        },
        None,
    ]
    work: list[tuple[str, dict[str, Any]]] = []
    for _ in range(size):
        roll = rng.random()
        query: dict[str, Any] = {}
        if roll < 0.15:  # browsing with one filter
            key = rng.choice(["specialty", "format", "accepting", "couples", "tier"])
            query[key] = {
                "specialty": rng.choice(SPECIALTIES.keys),
                "format": rng.choice(["video", "phone", "in_person"]),
                "accepting": "1",
                "couples": "1",
                "tier": rng.choice(["premium", "affordable", "standard"]),
            }[key]
        elif roll < 0.35:  # near a town
            query["near"] = rng.choice(big_towns if rng.random() < 0.6 else all_towns)
            query["within_km"] = str(rng.choice([10, 25, 50]))
            query["sort"] = rng.choice(["nearest", "best", "fee"])
            if rng.random() < 0.5:
                query["specialty"] = rng.choice(SPECIALTIES.keys)
        elif roll < 0.55:  # text
            query["q"] = rng.choice(words) if rng.random() < 0.7 else rng.choice(SURNAMES)
            if rng.random() < 0.4:
                query["format"] = "video"
        elif roll < 0.75:  # several filters
            query["specialty"] = rng.choice(SPECIALTIES.keys)
            query["max_fee"] = str(rng.choice([50, 60, 80, 100, 150]))
            query["currency"] = rng.choice(["GBP", "USD"])
            if rng.random() < 0.5:
                query["format"] = rng.choice(["video", "in_person"])
            if rng.random() < 0.3:
                query["language"] = rng.choice(["es", "pl", "fr", "ur", "cy", "zh"])
            if rng.random() < 0.3:
                query["approach"] = rng.choice(APPROACHES.keys)
            if rng.random() < 0.3:
                query["sliding_scale"] = "1"
            query["sort"] = rng.choice(["best", "fee"])
        elif roll < 0.85:  # later pages
            query["specialty"] = rng.choice(SPECIALTIES.keys)
            query["page"] = str(rng.randint(2, 5))
            query["sort"] = rng.choice(["best", "fee"])
        else:  # matching
            prefs: dict[str, Any] = {}
            if rng.random() < 0.6:
                prefs["max_fee"] = str(rng.choice([50, 70, 90, 120]))
                prefs["currency"] = rng.choice(["GBP", "USD"])
            if rng.random() < 0.4:
                prefs["near"] = rng.choice(big_towns)
            elif rng.random() < 0.5:
                prefs["format"] = "video"
            if rng.random() < 0.2:
                prefs["language"] = rng.choice(["es", "pl", "fr"])
            work.append(("match", {"result": rng.choice(results), "preferences": prefs}))
            continue
        work.append(("search", query))
    return work


def _soonest_workload(rng: random.Random, size: int) -> list[tuple[str, dict[str, Any]]]:
    """Searches sorted by the soonest free slot, half of them with one filter; drawn from
    their own generator, so the search and match mix stays the same as before."""
    from tandem.directory.vocab import SPECIALTIES

    work: list[tuple[str, dict[str, Any]]] = []
    for _ in range(size):
        query: dict[str, Any] = {"sort": "soonest"}
        if rng.random() < 0.5:
            key = rng.choice(["specialty", "format", "couples"])
            query[key] = {
                "specialty": rng.choice(SPECIALTIES.keys),
                "format": rng.choice(["video", "in_person"]),
                "couples": "1",
            }[key]
        if rng.random() < 0.2:
            query["page"] = str(rng.randint(2, 3))
        work.append(("soonest", query))
    return work


def _store_soonest_slots() -> datetime.datetime:
    """Give seven in ten therapists a soonest free slot within 30 days, as booking and cron
    keep them, once per database; return when they were worked out. The run then holds the
    clock a minute later, so none is stale and the figures are of the sort itself."""
    from django.db import connection
    from django.db.models import Max

    from tandem.directory.models import TherapistProfile

    stored = TherapistProfile.objects.aggregate(at=Max("next_free_checked_at"))["at"]
    if stored is not None:
        return stored
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE directory_therapistprofile SET next_free_checked_at = now(), "
                "next_free_at = CASE WHEN random() < 0.7 "
                "THEN now() + random() * interval '30 days' END"
            )
        else:
            cursor.execute(
                "UPDATE directory_therapistprofile SET "
                "next_free_checked_at = strftime('%Y-%m-%d %H:%M:%f', 'now'), "
                "next_free_at = CASE WHEN abs(random()) % 10 < 7 THEN strftime("
                "'%Y-%m-%d %H:%M:%f', 'now', '+' || (abs(random()) % 43200) || ' minutes') END"
            )
        # VACUUM, not only ANALYZE: the UPDATE rewrote every row, and until the visibility map
        # is set again the searches' index-only scans fetch every row from the table.
        postgres = connection.vendor == "postgresql"
        cursor.execute("VACUUM (ANALYZE) directory_therapistprofile" if postgres else "ANALYZE")
    stored = TherapistProfile.objects.aggregate(at=Max("next_free_checked_at"))["at"]
    assert stored is not None
    return stored


def _category(kind: str, params: dict[str, Any]) -> str:
    """A query's shape, for reporting which kinds are slow."""
    if kind == "soonest":
        filtered = [name for name in ("specialty", "format", "couples") if name in params]
        return (
            "soonest free slot"
            + (" + one filter" if filtered else "")
            + (", later page" if "page" in params else "")
        )
    if kind == "match":
        prefs = params["preferences"]
        parts = [name for name in ("near", "format", "max_fee", "language") if name in prefs]
        return "match" + (" + " + " + ".join(parts) if parts else "")
    if "near" in params:
        return f"near a town, sort {params.get('sort', 'best')}"
    if "q" in params:
        return "text"
    if "page" in params:
        return "later page"
    if "max_fee" in params:
        return "several filters" + (" + language" if "language" in params else "")
    return "one filter"


def _run_worker(vendor: str, count: int, queries: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries

    from tandem.directory.forms import MatchForm, SearchForm
    from tandem.directory.generate import generate
    from tandem.directory.matching import match_therapists
    from tandem.directory.models import TherapistProfile
    from tandem.directory.search import search_profiles

    call_command("migrate", verbosity=0)
    have = TherapistProfile.objects.count()
    started = time.monotonic()
    if have != count:
        if have:
            print(f"[{vendor}] found {have:,} therapists, rebuilding {count:,}", flush=True)
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM directory_verificationdecision")
                cursor.execute("DELETE FROM directory_therapistprofile")
                cursor.execute(
                    "DELETE FROM accounts_user WHERE email LIKE '%%@bench.tandem.invalid'"
                )
        print(f"[{vendor}] generating {count:,} therapists", flush=True)
        generate(count, seed=7, batch_size=5000 if vendor == "sqlite" else 10000, stdout=sys.stdout)
    generation_s = time.monotonic() - started
    # Fresh statistics, as autovacuum would gather after a bulk load (generate() also runs
    # ANALYZE; data reused from an earlier run may predate the latest migrations).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    rng = random.Random(11)
    work = _workload(rng, queries) + _soonest_workload(random.Random(13), queries // 6)
    stored_at = _store_soonest_slots()
    clock = time_machine.travel(stored_at + datetime.timedelta(minutes=1), tick=True)
    clock.start()
    prepared: list[tuple[str, Any, dict[str, Any]]] = []
    for kind, params in work:
        if kind in ("search", "soonest"):
            search_form = SearchForm(params)
            if not search_form.is_valid():
                raise SystemExit(f"bad bench query {params}: {search_form.errors.as_json()}")
            prepared.append((kind, search_form.to_params(), params))
        else:
            match_form = MatchForm(params["preferences"])
            if not match_form.is_valid():
                raise SystemExit(f"bad bench match {params}: {match_form.errors.as_json()}")
            prepared.append((kind, (params["result"], match_form.to_preferences()), params))

    def run(kind: str, prepared_params: Any) -> int:
        if kind in ("search", "soonest"):
            results = search_profiles(prepared_params)
            return len(results.listings)
        result, preferences = prepared_params
        return len(match_therapists(result=result, preferences=preferences))

    slugs = list(
        TherapistProfile.objects.order_by("?").values_list("slug", flat=True)[:300]
        if vendor == "postgresql"
        else TherapistProfile.objects.filter(
            pk__in=[rng.randint(1, count) for _ in range(400)]
        ).values_list("slug", flat=True)[:300]
    )

    def lookup(slug: str) -> None:
        profile = TherapistProfile.objects.public().get(slug=slug)
        assert profile.slug == slug

    # Warm-up: caches, prepared plans, the pool's connections.
    for slug in slugs[:50]:
        lookup(slug)
    for kind, prepared_params, _raw in prepared[:50]:
        run(kind, prepared_params)

    lookup_ms = []
    for slug in slugs:
        began = time.perf_counter()
        lookup(slug)
        lookup_ms.append((time.perf_counter() - began) * 1000)

    timings: dict[str, list[float]] = {"search": [], "match": [], "soonest": []}
    by_category: dict[str, list[float]] = {}
    slowest: list[tuple[float, str, Any]] = []
    empty = 0
    for kind, prepared_params, raw in prepared:
        reset_queries()
        began = time.perf_counter()
        found = run(kind, prepared_params)
        elapsed = (time.perf_counter() - began) * 1000
        timings[kind].append(elapsed)
        by_category.setdefault(_category(kind, raw), []).append(elapsed)
        slowest.append((elapsed, kind, raw))
        empty += found == 0
    clock.stop()
    slowest.sort(key=lambda entry: -entry[0])
    everything = timings["search"] + timings["match"]
    base = statistics.median(lookup_ms)

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "n": len(values),
            "p50_ms": round(_percentile(values, 0.5), 2),
            "p95_ms": round(_percentile(values, 0.95), 2),
            "max_ms": round(max(values), 2),
            "p50_ratio": round(_percentile(values, 0.5) / base, 1),
            "p95_ratio": round(_percentile(values, 0.95) / base, 1),
        }

    return {
        "vendor": vendor,
        "count": count,
        "generation_s": round(generation_s, 1),
        "lookup_p50_ms": round(base, 3),
        "lookup_p95_ms": round(_percentile(lookup_ms, 0.95), 3),
        "all": summary(everything),
        "search": summary(timings["search"]),
        "match": summary(timings["match"]),
        "soonest": summary(timings["soonest"]),
        "empty_results": empty,
        "categories": {name: summary(values) for name, values in sorted(by_category.items())},
        "slowest": [
            {"ms": round(ms, 1), "kind": kind, "params": raw} for ms, kind, raw in slowest[:5]
        ],
    }


# --- The driver ----------------------------------------------------------------------------


def _ensure_pg_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin_url, name = url.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _spawn(vendor: str, count: int, queries: int, env: dict[str, str]) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--worker",
        vendor,
        "--count",
        str(count),
        "--queries",
        str(queries),
    ]
    process = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    lines = process.stdout.splitlines()
    for line in lines[:-1]:
        print(line)
    if process.returncode != 0 or not lines:
        raise SystemExit(f"the {vendor} run failed (exit {process.returncode})")
    return json.loads(lines[-1])


def _report(outcome: dict[str, Any]) -> bool:
    vendor = outcome["vendor"]
    target = TARGET_MS[vendor]
    print(f"\n{vendor}: {outcome['count']:,} therapists (generated in {outcome['generation_s']} s)")
    print(
        f"  single indexed lookup (profile by slug): p50 {outcome['lookup_p50_ms']} ms, "
        f"p95 {outcome['lookup_p95_ms']} ms"
    )
    for kind in ("search", "match", "all"):
        s = outcome[kind]
        print(
            f"  {kind:<6} n={s['n']:<4} p50 {s['p50_ms']:>7} ms ({s['p50_ratio']}x lookup)  "
            f"p95 {s['p95_ms']:>7} ms ({s['p95_ratio']}x lookup)  max {s['max_ms']} ms"
        )
    s = outcome["soonest"]
    print(
        f"  soonest free slot (not in the mix): n={s['n']} p50 {s['p50_ms']} ms  "
        f"p95 {s['p95_ms']} ms  max {s['max_ms']} ms"
    )
    ok = outcome["all"]["p95_ms"] < target
    print(
        f"  target p95 < {target:g} ms: {'met' if ok else 'NOT met'}; "
        f"{outcome['empty_results']} queries found nobody"
    )
    print("  by kind (n, p50, p95 ms):")
    for name, s in outcome["categories"].items():
        print(f"    {name:<46} {s['n']:>4} {s['p50_ms']:>8} {s['p95_ms']:>8}")
    print("  slowest:")
    for entry in outcome["slowest"]:
        print(f"    {entry['ms']} ms {entry['kind']} {json.dumps(entry['params'])}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite-count", type=int, default=100_000)
    parser.add_argument("--pg-count", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument(
        "--sqlite-dir", default=str(Path(tempfile.gettempdir()) / "tandem-bench-sqlite")
    )
    parser.add_argument(
        "--pg-url",
        default="postgres://postgres@127.0.0.1:5432/tandem_bench",
        help="a PostgreSQL database of its own: it is filled with synthetic therapists",
    )
    parser.add_argument("--worker", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
        outcome = _run_worker(args.worker, args.count, args.queries)
        print(json.dumps(outcome))
        return

    passed = True
    if args.sqlite_count > 0:
        Path(args.sqlite_dir).mkdir(parents=True, exist_ok=True)
        outcome = _spawn(
            "sqlite",
            args.sqlite_count,
            args.queries,
            {"TANDEM_DATA_DIR": args.sqlite_dir, "DATABASE_URL": "", "DEBUG": "0"},
        )
        passed &= _report(outcome)
    if args.pg_count > 0:
        if args.pg_url.rsplit("/", 1)[-1] == "test":
            raise SystemExit("use a database of its own, not the test database")
        _ensure_pg_database(args.pg_url)
        outcome = _spawn(
            "postgresql",
            args.pg_count,
            args.queries,
            {"DATABASE_URL": args.pg_url, "DEBUG": "0"},
        )
        passed &= _report(outcome)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
