from __future__ import annotations

from django.core.cache import cache

from tandem.journal import spam
from tandem.journal.models import email_digest


def _stored_keys() -> list[str]:
    # The tests' cache is the local-memory one; its keys are what a cache dump would show.
    return [str(key) for key in cache._cache]


def test_the_rate_limit_keeps_no_raw_ip_or_plain_email_digest_in_the_cache():
    assert spam.allow_comment(email="sam@example.com", ip="203.0.113.77")
    keys = _stored_keys()
    assert len(keys) == 2
    assert not [key for key in keys if "203.0.113.77" in key]
    # A plain sha256 of an address can be reversed by hashing a list of addresses.
    assert not [key for key in keys if email_digest("sam@example.com") in key]


def test_the_rate_limit_still_counts_the_same_ip_across_addresses(settings):
    settings.JOURNAL_COMMENT_RATE_LIMIT = 2
    assert spam.allow_comment(email="a@example.com", ip="2001:db8::1")
    assert spam.allow_comment(email="b@example.com", ip="2001:db8::1")
    assert not spam.allow_comment(email="c@example.com", ip="2001:db8::1")
    assert spam.allow_comment(email="d@example.com", ip="2001:db8::2")


def test_the_ip_key_depends_on_the_secret_key(settings):
    spam.allow_comment(email="a@example.com", ip="203.0.113.77")
    first = set(_stored_keys())
    cache.clear()
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-" + "x" * 20
    spam.allow_comment(email="a@example.com", ip="203.0.113.77")
    assert not first & set(_stored_keys())
