from django.urls import path

from tandem.assessments.views import history, results, taking

app_name = "assessments"

# The fixed paths come first: "results", "history" and "mine" are never a check's slug.
urlpatterns = [
    path("", taking.index, name="index"),
    path("mine/", history.mine, name="mine"),
    path("results/<uuid:public_id>/", results.result, name="result"),
    path("results/<uuid:public_id>/report.pdf", results.report_pdf, name="report"),
    path("results/<uuid:public_id>/keep/", results.keep, name="keep"),
    path("results/<uuid:public_id>/therapists/", results.therapists, name="therapists"),
    path("history/<slug:slug>/", history.history, name="history"),
    path("<slug:slug>/", taking.take, name="take"),
    path("<slug:slug>/<slug:section_id>/", taking.section, name="section"),
]
