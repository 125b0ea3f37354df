from django.urls import path

from tandem.practice.views import couple, report, sharing, therapist

app_name = "practice"

urlpatterns = [
    path("", therapist.caseload_page, name="caseload"),
    path("caseload.csv", therapist.caseload_csv, name="caseload_csv"),
    path("invite/", therapist.invite, name="invite"),
    path("clients/<int:consent_id>/", therapist.client_page, name="client"),
    path("clients/<int:consent_id>/results.csv", therapist.client_csv, name="client_csv"),
    path(
        "clients/<int:consent_id>/results/<uuid:public_id>/", therapist.result_page, name="result"
    ),
    path("clients/<int:consent_id>/couple.csv", couple.couple_csv, name="couple_csv"),
    path("clients/<int:consent_id>/progress.pdf", report.progress_pdf, name="progress_pdf"),
    path("clients/<int:consent_id>/schedules/", therapist.schedule_add, name="schedule_add"),
    path(
        "clients/<int:consent_id>/schedules/<int:pk>/stop/",
        therapist.schedule_stop,
        name="schedule_stop",
    ),
    path("sharing/", sharing.sharing, name="sharing"),
    path("sharing/with/<int:therapist_id>/", sharing.share, name="share"),
    path("sharing/<int:consent_id>/revoke/", sharing.revoke, name="revoke"),
    path("invitations/<str:token>/", sharing.invitation, name="invitation"),
]
