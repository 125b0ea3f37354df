from django.urls import path

from tandem.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_now, name="help_now"),
    path("for-therapists/", views.for_therapists, name="for_therapists"),
    path("healthz", views.healthz, name="healthz"),
]
