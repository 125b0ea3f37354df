"""The couple check's pages, one module per concern (``urls.py`` names each view by its
module):

* ``lifecycle``: starting, inviting, joining, starting again and leaving;
* ``report``: the couple's page, each round's report and PDF, history and therapists;
* ``answering``: each partner answering apart;
* ``common``: the lookups they share.

Every page about a couple goes through :func:`common.get_member_for_user`: only a current member
of the couple gets anything, everyone else (a stranger, a former partner, a pending invitee,
a therapist) gets the same 404. What a member sees of the report comes only from
``services.round_state``, whose answer for the unflagged partner is the same whether the
other has not answered or raised the safety flag.
"""
