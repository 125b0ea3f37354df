"""The journal in a real browser: moderation end to end, XSS payloads, accessibility."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.conftest import assert_accessible, client_for
from tandem.journal.models import Comment, CommentStatus
from tandem.journal.tests.conftest import make_comment
from tandem.journal.tokens import make_token

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x onerror="window.__xss=1;alert(1)">',
    '"><svg onload="window.__xss=1;alert(1)">',
    '\'><iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<a href="javascript:window.__xss=1;alert(1)">click me</a>',
    "<body onload=window.__xss=1>",
    '<details open ontoggle="window.__xss=1;alert(1)">x</details>',
    "</textarea><script>window.__xss=1</script>",
    '" onfocus="window.__xss=1" autofocus="',
    "<math><mtext></form><form><mglyph><style></math><img src onerror=window.__xss=1>",
    "javascript:window.__xss=1//",
    "{{ request.user }}{% debug %}",
]


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    """Carry a signed-in session into the browser (past the login and MFA pages)."""
    http = client_for(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": http.cookies["sessionid"].value, "url": live_server.url}]
    )


def _fill_comment(page: Any, *, name: str, email: str, body: str, website: str = "") -> None:
    page.locator("#id_name").fill(name)
    page.locator("#id_email").fill(email)
    page.locator("#id_website").fill(website)
    page.locator("#id_body").fill(body)
    page.get_by_role("button", name="Post your response").click()


def _watch_for_scripts(page: Any) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def test_a_visitors_comment_is_held_then_approved_by_an_editor_then_public(
    page, live_server, article, editor_user
):
    page.goto(article.get_absolute_url())
    _fill_comment(page, name="Visitor Val", email="val@example.com", body="Held for a bit?")
    assert page.get_by_text("held for moderation").is_visible()
    assert page.locator("#comments").get_by_text("Held for a bit?").count() == 0

    editor = page.context.browser.new_context(base_url=live_server.url)
    queue = editor.new_page()
    _sign_in(queue, live_server, editor_user)
    queue.goto("/journal/moderation/")
    queue.get_by_label(f"Visitor Val on “{article.title}”").check()
    queue.get_by_role("button", name="Approve").click()
    assert queue.get_by_text("1 comment marked “approved”").is_visible()
    editor.close()

    page.goto(article.get_absolute_url())
    comments = page.locator("#comments")
    assert comments.get_by_text("Held for a bit?").is_visible()
    assert comments.get_by_role("heading", name="Visitor Val").is_visible()
    assert "val@example.com" not in page.content()
    assert comments.get_by_role("heading", name="1 response to", exact=False).is_visible()


def test_xss_payloads_in_every_comment_field_stay_inert(page, live_server, article, browser):
    # CSP would stop inline scripts anyway; this browser ignores it, so the test proves the
    # escaping itself.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    tab = context.new_page()
    dialogs = _watch_for_scripts(tab)

    # Through the real form: an invalid email makes the page render every value back.
    for payload in PAYLOADS:
        tab.goto(article.get_absolute_url())
        _fill_comment(tab, name=payload[:80], email=payload, body=payload, website=payload)
        assert tab.locator("#id_body").input_value() == payload
        assert tab.evaluate("window.__xss") is None

    # Stored and shown: each payload as the name, the comment and (where it is a URL) the site.
    for n, payload in enumerate(PAYLOADS):
        make_comment(article, name=payload[:80], email=f"x{n}@example.com", body=payload)
    make_comment(
        article,
        name="Site",
        email="site@example.com",
        body="site",
        website='https://example.com/?q="><img src=x onerror=window.__xss=1>',
    )
    assert not Comment.objects.exclude(status=CommentStatus.APPROVED).exists()
    tab.goto(article.get_absolute_url())
    tab.keyboard.press("Tab")
    text = tab.locator("#comments").inner_text()
    for payload in PAYLOADS:
        assert payload in text
    injected = tab.locator(
        "#comments :is(script, img, svg, iframe, details, math, body, form form)"
    )
    assert injected.count() == 0
    hrefs = tab.locator("#comments a").evaluate_all("links => links.map(a => a.href)")
    assert not [href for href in hrefs if href.lower().startswith("javascript:")]
    assert tab.evaluate("window.__xss") is None
    assert dialogs == []
    context.close()


def test_every_journal_page_passes_the_accessibility_check(
    page, live_server, article, draft, editor_user
):
    top = make_comment(article, website="https://reader.example")
    make_comment(article, parent=top, email="b@example.com", is_staff_reply=True)
    held = make_comment(article, email="new@example.com", status=CommentStatus.PENDING)
    public_pages = [
        "/journal/",
        article.get_absolute_url(),
        f"{article.get_absolute_url()}?replyto={top.pk}",
        "/journal/topics/",
        "/journal/topics/boundaries/",
        "/journal/authors/robin-writer/",
        f"/journal/comments/delete/{make_token(top, 'delete')}/",
        f"/journal/comments/unsubscribe/{make_token(top, 'unsubscribe')}/",
        "/journal/comments/delete/forged/",
    ]
    for url in public_pages:
        page.goto(url)
        assert_accessible(page)

    page.goto(article.get_absolute_url())
    _fill_comment(page, name="", email="nope", body="")  # the page with its errors showing
    assert page.locator("#id_name-error").is_visible()
    assert_accessible(page)

    _sign_in(page, live_server, editor_user)
    for url in [
        "/journal/moderation/",
        "/journal/moderation/?status=spam",
        f"/journal/moderation/{held.pk}/reply/",
        f"/journal/preview/{draft.pk}/",
    ]:
        page.goto(url)
        assert_accessible(page)


def test_an_editor_replies_from_the_article_with_a_staff_badge(
    page, live_server, article, editor_user
):
    comment = make_comment(article, name="Reader Rae")
    _sign_in(page, live_server, editor_user)
    page.goto(article.get_absolute_url())
    page.get_by_role("link", name="Reply as Tandem to Reader Rae").click()
    page.get_by_label("Your reply").fill("Thank you, Rae.")
    page.get_by_role("button", name="Publish reply").click()
    reply = page.locator(f"#comment-{comment.pk} ~ ol .journal-comment--staff")
    assert reply.get_by_text("Tandem team").is_visible()
    assert reply.get_by_text("Thank you, Rae.").is_visible()


@pytest.mark.parametrize("width", [390, 1280])
def test_after_posting_the_confirmation_is_where_the_page_lands(page, article, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(article.get_absolute_url())
    _fill_comment(page, name="Visitor Val", email="val@example.com", body="Is it held?")

    page.wait_for_url("**#comment-posted")
    confirmation = page.get_by_role("status").filter(has_text="held for moderation")
    box = confirmation.bounding_box()
    assert box is not None
    # Whole and in sight, below the fixed quick-exit bar, without scrolling.
    assert box["y"] >= 48 and box["y"] + box["height"] <= 800
    assert page.get_by_text("held for moderation").count() == 1
    assert_accessible(page)
