"""Booking's pages, one module per concern (``urls.py`` names each view by its module):

* ``bookings``: clients choose a time and book it; either side sees, cancels or moves a
  session, and the therapist accepts or declines a request;
* ``signed_links``: cancel or move a session from an email's link, without signing in;
* ``waitlist``: ask to hear of an earlier time, take an offer, leave;
* ``therapist_settings``: the therapist's own rules, hours, exceptions and session types;
* ``agenda``: the therapist's agenda and private calendar feed;
* ``common``: the helpers they share (lookups, the viewer's zone, a week of the diary).
"""
