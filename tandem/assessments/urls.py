from django.urls import path

from tandem.assessments import views

app_name = "assessments"

# The fixed paths come first: "results", "history" and "mine" are never a check's slug.
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("results/<uuid:public_id>/", views.result, name="result"),
    path("results/<uuid:public_id>/report.pdf", views.report_pdf, name="report"),
    path("results/<uuid:public_id>/keep/", views.keep, name="keep"),
    path("results/<uuid:public_id>/therapists/", views.therapists, name="therapists"),
    path("history/<slug:slug>/", views.history, name="history"),
    path("<slug:slug>/", views.take, name="take"),
    path("<slug:slug>/<slug:section_id>/", views.section, name="section"),
]
