"""The journal's pages, one module per concern (``urls.py`` names each view by its module):

* ``reading``: articles, topics, authors and robots.txt;
* ``comments``: posting a comment, and the emailed links that delete it or stop replies;
* ``editors``: previews, the moderation queue and staff replies.
"""

from tandem.journal.views.reading import robots_txt

__all__ = ["robots_txt"]  # the project's urls.py serves it at the site's root
