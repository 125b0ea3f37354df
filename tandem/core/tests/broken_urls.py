"""A URLconf whose views fail, for the 500 and 503 pages' tests."""

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("something broke")


def database_away(request: HttpRequest) -> HttpResponse:
    # What psycopg's pool raises, wrapped by Django, when PostgreSQL is stopped.
    raise OperationalError("connection failed: connection refused")


urlpatterns = [path("boom/", boom), path("database-away/", database_away)]
handler500 = "tandem.core.views.server_error"
