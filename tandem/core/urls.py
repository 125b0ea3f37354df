from django.urls import path

from tandem.core import views
from tandem.lib.metrics import metrics

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_now, name="help_now"),
    path("for-therapists/", views.for_therapists, name="for_therapists"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
]
