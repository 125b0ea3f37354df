"""Production's observability settings: refused when weak, and Sentry starts with its scrubber."""

from tandem.core.tests.test_production_settings import GOOD, _run


def test_production_refuses_a_short_metrics_token():
    result = _run({**GOOD, "METRICS_TOKEN": "short"}, "check")

    assert result.returncode != 0
    assert "METRICS_TOKEN must be at least 32" in result.stderr


def test_production_starts_with_sentry_and_reports_through_the_scrubber():
    code = (
        "import sentry_sdk; from tandem.lib.sentry import scrub_event; "
        "options = sentry_sdk.get_client().options; "
        "print(options['before_send'] is scrub_event, options['max_request_body_size'])"
    )
    result = _run({**GOOD, "SENTRY_DSN": "https://public@sentry.invalid/1"}, "shell", "-c", code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["True", "never"]


def test_a_bad_media_storage_option_stops_the_start_with_its_name():
    result = _run({**GOOD, "MEDIA_STORAGE_OPTIONS": "{not json"}, "check")

    assert result.returncode != 0
    assert "MEDIA_STORAGE_OPTIONS" in result.stderr
