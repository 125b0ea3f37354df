from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.urls import URLPattern, URLResolver, include, path, reverse

from tandem.api import api
from tandem.journal import views as journal_views
from tandem.journal.sitemaps import sitemaps as journal_sitemaps
from tandem.lib.env import env_bool

admin.site.site_header = "Tandem administration"
admin.site.site_title = "Tandem"
# The admin signs in through allauth, so staff go through the same rate limits and MFA.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


class StaticPagesSitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> list[str]:
        return ["home", "help_now", "for_therapists"]

    def location(self, item: str) -> str:
        return reverse(item)


# sitemap.xml: each app adds its own sitemaps to this dict.
SITEMAPS: dict[str, type[Sitemap]] = {"pages": StaticPagesSitemap, **journal_sitemaps}

# Error pages keep the quick-exit control and the crisis lines (DESIGN.md section 5).
handler500 = "tandem.core.views.server_error"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("tandem.core.urls")),
    path("", include("tandem.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("journal/", include("tandem.journal.urls")),
    path("checks/", include("tandem.assessments.urls")),
    path("therapists/", include("tandem.directory.urls")),
    path("bookings/", include("tandem.booking.urls")),
    path("couples/", include("tandem.couples.urls")),
    path("practice/", include("tandem.practice.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", journal_views.robots_txt, name="robots_txt"),
]

# The checks' load benchmark's reference view (bench/check_load.py sets the variable).
if env_bool("TANDEM_BENCH_URLS", default=False):
    from tandem.assessments.bench import bare

    urlpatterns.append(path("bench/bare", bare, name="bench_bare"))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
