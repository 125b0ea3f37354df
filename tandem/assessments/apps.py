from typing import Any

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "tandem.assessments"
    label = "assessments"
    verbose_name = "Checks"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from tandem.accounts import personal_data
        from tandem.assessments import matching, metrics, services
        from tandem.directory import hooks
        from tandem.lib.metrics import register_gauge

        personal_data.register(
            "assessments",
            export=services.export_responses,
            erase=services.erase_responses,
            title="Your answers and results",
            description="Every check you started or finished, with your answers and scores.",
        )
        personal_data.register(
            "assessments_fhir",
            export=services.export_results_fhir,
            erase=services.erase_nothing_more,
            title="Your results as FHIR",
            description="The same results as a FHIR R4 bundle, for health records and clinics.",
        )
        register_gauge(metrics.checks_completed)
        # The match page starts from the person's latest saved result (docs/directory.md).
        hooks.register_saved_results(matching.results_for_matching)
        user_logged_in.connect(_keep_results_asked_for, dispatch_uid="assessments-keep-on-login")


def _keep_results_asked_for(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None:  # a login without a request (a test's force_login) asked for nothing
        return
    from tandem.assessments.views.results import keep_results_asked_for_before_sign_in

    keep_results_asked_for_before_sign_in(request, user)
