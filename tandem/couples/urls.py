from django.urls import path

from tandem.couples import views

app_name = "couples"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("join/<str:token>/", views.join, name="join"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/invitation/resend/", views.resend, name="resend"),
    path("<uuid:public_id>/invitation/withdraw/", views.withdraw, name="withdraw"),
    path("<uuid:public_id>/answer/", views.answer, name="answer"),
    path("<uuid:public_id>/answer/<slug:section_id>/", views.section, name="section"),
    path("<uuid:public_id>/rounds/<int:number>/", views.round_report, name="round"),
    path("<uuid:public_id>/rounds/<int:number>/report.pdf", views.report_pdf, name="report"),
    path("<uuid:public_id>/history/", views.history, name="history"),
    path("<uuid:public_id>/therapists/", views.therapists, name="therapists"),
    path("<uuid:public_id>/again/", views.again, name="again"),
    path("<uuid:public_id>/leave/", views.leave, name="leave"),
]
