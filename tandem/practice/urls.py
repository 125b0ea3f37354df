from django.urls import path

from tandem.practice import views

app_name = "practice"

urlpatterns = [
    path("", views.caseload_page, name="caseload"),
    path("caseload.csv", views.caseload_csv, name="caseload_csv"),
    path("invite/", views.invite, name="invite"),
    path("clients/<int:consent_id>/", views.client_page, name="client"),
    path("clients/<int:consent_id>/results.csv", views.client_csv, name="client_csv"),
    path("clients/<int:consent_id>/results/<uuid:public_id>/", views.result_page, name="result"),
    path("clients/<int:consent_id>/schedules/", views.schedule_add, name="schedule_add"),
    path(
        "clients/<int:consent_id>/schedules/<int:pk>/stop/",
        views.schedule_stop,
        name="schedule_stop",
    ),
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/with/<int:therapist_id>/", views.share, name="share"),
    path("sharing/<int:consent_id>/revoke/", views.revoke, name="revoke"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
