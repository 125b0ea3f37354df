from django.urls import path

from tandem.couples.views import answering, lifecycle, report

app_name = "couples"

urlpatterns = [
    path("", lifecycle.home, name="home"),
    path("start/", lifecycle.start, name="start"),
    path("join/<str:token>/", lifecycle.join, name="join"),
    path("<uuid:public_id>/", report.detail, name="detail"),
    path("<uuid:public_id>/invitation/resend/", lifecycle.resend, name="resend"),
    path("<uuid:public_id>/invitation/withdraw/", lifecycle.withdraw, name="withdraw"),
    path("<uuid:public_id>/answer/", answering.answer, name="answer"),
    path("<uuid:public_id>/answer/<slug:section_id>/", answering.section, name="section"),
    path("<uuid:public_id>/rounds/<int:number>/", report.round_report, name="round"),
    path("<uuid:public_id>/rounds/<int:number>/report.pdf", report.report_pdf, name="report"),
    path("<uuid:public_id>/history/", report.history, name="history"),
    path("<uuid:public_id>/therapists/", report.therapists, name="therapists"),
    path("<uuid:public_id>/again/", lifecycle.again, name="again"),
    path("<uuid:public_id>/leave/", lifecycle.leave, name="leave"),
]
