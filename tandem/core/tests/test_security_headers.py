import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/help/", "/accounts/login/", "/for-therapists/"])
def test_every_page_sends_the_security_headers(anonymous, path):
    response = anonymous.get(path)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_contain_no_inline_script_or_style(anonymous):
    html = anonymous.get("/").content.decode()

    assert "<script>" not in html
    assert "style=" not in html
    assert "<style" not in html


def test_pages_load_nothing_from_other_sites(anonymous):
    import re

    html = anonymous.get("/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    external = [s for s in sources if s.startswith(("http://", "https://", "//"))]

    # The quick-exit link is the one way off the site, by design.
    assert external == ["https://www.bbc.co.uk/weather"]
