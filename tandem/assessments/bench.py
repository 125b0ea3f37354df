"""The reference view of the checks' load benchmark (``bench/check_load.py``).

Mounted at ``/bench/bare`` only when ``TANDEM_BENCH_URLS`` is on, which the benchmark sets for
the gunicorn it starts. It goes through the whole middleware stack like any page (sessions,
authentication, CSRF, CSP, the MFA check) and answers two bytes without a query of its own, so
the benchmark can compare the checks' pages with the cost of Django itself on the same server.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")
