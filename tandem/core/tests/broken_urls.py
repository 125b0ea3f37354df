"""A URLconf whose one view fails, for the 500 page's test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("something broke")


urlpatterns = [path("boom/", boom)]
handler500 = "tandem.core.views.server_error"
