"""A client's progress report as a PDF, for their therapist.

The same figures as the client's page (charts with the band of uncertainty, each check's
reliable change, the sessions on one timeline) and the latest shared result in full, printed
by WeasyPrint as the result and couple-report PDFs are. Under the same consent rule (404
without a current consent), written to the client's access log, and limited per therapist
like the other PDFs, since each costs a noticeable moment of CPU.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tandem.accounts.access_log import AccessKind, record_access
from tandem.assessments.models import Response
from tandem.booking.models import Booking
from tandem.lib.ratelimit import over_limit
from tandem.practice.progress import shared_results
from tandem.practice.reports import client_progress, timeline
from tandem.practice.views.common import consent_for_therapist, shared_result, user_of

# At most this many progress reports per therapist in each window (count, seconds): the
# figures the result PDF uses.
PDF_LIMITS = [(3, 60), (20, 3600)]


@never_cache
@login_required
@require_safe
def progress_pdf(request: HttpRequest, consent_id: int) -> HttpResponse:
    from weasyprint import HTML

    consent = consent_for_therapist(request, consent_id)
    therapist = user_of(request)
    if over_limit("practice-progress-pdf", f"user:{therapist.pk}", PDF_LIMITS):
        return render(request, "practice/report_limited.html", {"consent": consent}, status=429)
    now = timezone.now()
    results = shared_results(consent)
    latest = None
    if results:
        latest = Response.objects.completed().filter(pk=results[-1].pk).first()
    result, view = shared_result(consent, latest) if latest is not None else (None, None)
    record_access(
        subject=consent.client,
        viewer=therapist,
        kind=AccessKind.EXPORT,
        detail="progress report PDF" + (", with the latest result in full" if view else ""),
        consent_id=consent.pk,
    )
    bookings = Booking.objects.filter(client=consent.client, therapist__user=therapist)
    html = render_to_string(
        "practice/report_pdf.html",
        {
            "consent": consent,
            "client": consent.client,
            "therapist": therapist,
            "progress": client_progress(results),
            "timeline": timeline(results, list(bookings.order_by("starts_at")), now),
            "latest": latest,
            "result": result,
            "view": view,
            "printed_at": now,
        },
        request=request,
    )
    # Nothing remote: relative URLs (none are used) would resolve inside the static folder.
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()
    download = HttpResponse(pdf, content_type="application/pdf")
    download["Content-Disposition"] = (
        f'attachment; filename="tandem-progress-{consent.pk}-{now.date().isoformat()}.pdf"'
    )
    download["Cache-Control"] = "no-store"
    return download
