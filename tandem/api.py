"""Tandem's JSON API, version 1, with its OpenAPI description at /api/v1/openapi.json.

Each app keeps its routes in its own ``api.py`` as a ninja ``Router``; they are mounted here.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from tandem.assessments.api import router as assessments_router
from tandem.booking.api import router as booking_router
from tandem.couples.api import router as couples_router
from tandem.directory.api import router as directory_router
from tandem.practice.api import router as practice_router

api = NinjaAPI(
    title="Tandem API",
    version="1",
    description="Instruments, scoring, the therapist directory and bookings.",
    urls_namespace="api-v1",
    # Swagger UI would load scripts from a CDN; the OpenAPI JSON is enough and stays on-site.
    docs_url=None,
)
api.add_router("/", assessments_router)
api.add_router("/", directory_router)
api.add_router("/", booking_router)
api.add_router("/", couples_router)
api.add_router("/", practice_router)


@api.exception_handler(RequestDataTooBig)
def body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE when it is read; left to ninja's
    # catch-all that became a 500 with DEBUG on (and a bare 400 with it off).
    return api.create_response(
        request,
        {"detail": "The request body is larger than the 2.5 MB this site accepts."},
        status=413,
    )
