"""The page shell's header and footer (``{% site_header %}``, ``{% site_footer %}``).

They are on every page, and for a visitor who is not signed in both are the same for
everyone: the footer is the crisis lines from settings, the header the site's links with
the current part of the site marked. Rendering them cost about half a millisecond of CPU a
page, more than most pages' own content, so those two are rendered once per process for
each combination of what they depend on. A signed-in person's header (their role's links,
the sign-out form's CSRF token) is rendered for each request, never kept.

Per process rather than in the shared cache: a few small strings that never change while
the process runs, where a Redis hit would cost a round trip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import template
from django.template import Engine
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

HEADER_TEMPLATE = "_site_header.html"
FOOTER_TEMPLATE = "_site_footer.html"

#: Each part of the site, by how its paths begin, for the header's ``aria-current``.
NAV_PREFIXES = (
    ("/journal/", "journal"),
    ("/checks/", "checks"),
    ("/therapists", "directory"),
    ("/practice/", "practice"),
    ("/couples/", "couples"),
)
MOST_KEPT = 64  # far more than the combinations a site has; a guard against surprises

_kept: dict[tuple[Any, ...], SafeString] = {}


def nav_current(path: str) -> str:
    """The part of the site ``path`` is in, as the header marks it ("" for none)."""
    if path == "/for-therapists/":
        return "for_therapists"
    for prefix, part in NAV_PREFIXES:
        if path.startswith(prefix):
            return part
    return ""


def _render(context: Context, name: str, **extra: Any) -> SafeString:
    engine = context.template.engine if context.template is not None else Engine.get_default()
    with context.push(**extra):
        return SafeString(engine.get_template(name).render(context))


def _kept_or_rendered(key: tuple[Any, ...], render: Any) -> SafeString:
    full_key = (*key, get_language(), get_script_prefix(), get_urlconf())
    html = _kept.get(full_key)
    if html is None:
        html = render()
        if len(_kept) >= MOST_KEPT:
            _kept.clear()
        _kept[full_key] = html
    return html


@register.simple_tag(takes_context=True)
def site_header(context: Context) -> SafeString:
    request = context.get("request")
    current = nav_current(request.path if request is not None else "")
    user = context.get("user")
    if user is not None and user.is_authenticated:
        return _render(context, HEADER_TEMPLATE, nav_current=current)
    return _kept_or_rendered(
        ("header", current), lambda: _render(context, HEADER_TEMPLATE, nav_current=current)
    )


def _lines_key(helplines: Sequence[Mapping[str, Any]]) -> tuple[Any, ...]:
    return tuple(tuple(sorted(line.items())) for line in helplines)


@register.simple_tag(takes_context=True)
def site_footer(context: Context) -> SafeString:
    helplines = context.get("HELPLINES") or ()
    return _kept_or_rendered(
        ("footer", _lines_key(helplines)), lambda: _render(context, FOOTER_TEMPLATE)
    )
