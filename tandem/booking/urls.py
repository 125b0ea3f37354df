from django.urls import path

from tandem.booking import views

app_name = "booking"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("with/<slug:slug>/", views.book, name="book"),
    path("with/<slug:slug>/confirm/", views.confirm, name="confirm"),
    path("with/<slug:slug>/waitlist/", views.waitlist_add, name="waitlist_join"),
    path("waitlist/", views.waitlist, name="waitlist"),
    path("waitlist/<int:pk>/take/", views.waitlist_take, name="waitlist_take"),
    path("waitlist/<int:pk>/leave/", views.waitlist_leave, name="waitlist_leave"),
    path("link/continue/", views.link_continue, name="link_continue"),
    path("link/<str:token>/", views.link, name="link"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("practice/", views.practice, name="practice"),
    path("practice/hours/", views.practice_hours, name="practice_hours"),
    path(
        "practice/hours/<int:pk>/delete/", views.practice_hours_delete, name="practice_hours_delete"
    ),
    path("practice/exceptions/", views.practice_exceptions, name="practice_exceptions"),
    path(
        "practice/exceptions/<int:pk>/delete/",
        views.practice_exception_delete,
        name="practice_exception_delete",
    ),
    path("practice/sessions/", views.practice_sessions, name="practice_sessions"),
    path("practice/sessions/<int:pk>/", views.practice_sessions, name="practice_session_edit"),
    path("practice/agenda/", views.agenda, name="agenda"),
    path("practice/feed/reset/", views.feed_reset, name="feed_reset"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/cancel/", views.cancel, name="cancel"),
    path("<uuid:public_id>/invite.ics", views.invite, name="invite"),
    path("<uuid:public_id>/reschedule/", views.reschedule, name="reschedule"),
    path("<uuid:public_id>/decide/", views.decide, name="decide"),
]
