from django.urls import path

from tandem.booking.views import agenda, bookings, signed_links, therapist_settings, waitlist

app_name = "booking"

urlpatterns = [
    path("", bookings.mine, name="mine"),
    path("with/<slug:slug>/", bookings.book, name="book"),
    path("with/<slug:slug>/confirm/", bookings.confirm, name="confirm"),
    path("with/<slug:slug>/waitlist/", waitlist.waitlist_add, name="waitlist_join"),
    path("waitlist/", waitlist.waitlist, name="waitlist"),
    path("waitlist/<int:pk>/take/", waitlist.waitlist_take, name="waitlist_take"),
    path("waitlist/<int:pk>/leave/", waitlist.waitlist_leave, name="waitlist_leave"),
    path("link/continue/", signed_links.link_continue, name="link_continue"),
    path("link/<str:token>/", signed_links.link, name="link"),
    path("feed/<str:token>.ics", agenda.feed, name="feed"),
    path("practice/", therapist_settings.practice, name="practice"),
    path("practice/hours/", therapist_settings.practice_hours, name="practice_hours"),
    path(
        "practice/hours/<int:pk>/delete/",
        therapist_settings.practice_hours_delete,
        name="practice_hours_delete",
    ),
    path(
        "practice/exceptions/", therapist_settings.practice_exceptions, name="practice_exceptions"
    ),
    path(
        "practice/exceptions/<int:pk>/delete/",
        therapist_settings.practice_exception_delete,
        name="practice_exception_delete",
    ),
    path("practice/sessions/", therapist_settings.practice_sessions, name="practice_sessions"),
    path(
        "practice/sessions/<int:pk>/",
        therapist_settings.practice_sessions,
        name="practice_session_edit",
    ),
    path("practice/agenda/", agenda.agenda, name="agenda"),
    path("practice/feed/reset/", agenda.feed_reset, name="feed_reset"),
    path("<uuid:public_id>/", bookings.detail, name="detail"),
    path("<uuid:public_id>/cancel/", bookings.cancel, name="cancel"),
    path("<uuid:public_id>/reschedule/", bookings.reschedule, name="reschedule"),
    path("<uuid:public_id>/decide/", bookings.decide, name="decide"),
]
