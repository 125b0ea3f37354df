"""The practice's pages, one module per side (``urls.py`` names each view by its module):

* ``therapist``: the caseload, a client's page, results, exports and schedules;
* ``couple``: two partners side by side, when both share with the therapist;
* ``report``: a client's progress report as a PDF;
* ``sharing``: the client's side: what they share, with whom, and invitations;
* ``common``: the lookups they share.

Every therapist page goes through :func:`common.consent_for_therapist` or
:func:`common.therapist_of`: anyone without a current consent from the client gets a 404,
never a 403, because whether a person shares anything with a therapist is itself private.
Every read of a client's data writes a row to their access log before the page is returned.
"""
