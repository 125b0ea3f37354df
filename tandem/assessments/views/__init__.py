"""The checks' pages, one module per concern (``urls.py`` names each view by its module):

* ``taking``: the list of checks and taking one, a section a page;
* ``results``: a result, its PDF report, keeping it, and therapists who fit it;
* ``history``: a person's own checks and their change over time;
* ``access``: who may see a response (its owner, or the holder of its claim token).
"""
