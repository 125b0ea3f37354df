from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tandem.directory.models import TherapistProfile, TierRule, VerificationDecision
from tandem.directory.services import send_back_if_checked_facts_changed


@admin.register(TierRule)
class TierRuleAdmin(admin.ModelAdmin[TierRule]):
    list_display = ["__str__", "premium_min_years", "affordable_max_fee_gbp_minor", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not TierRule.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: TierRule, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Tiers are stored on profiles so search can filter by them: recompute every one.
        TherapistProfile.objects.apply_tier_rule(obj)


class DecisionInline(admin.TabularInline[VerificationDecision, TherapistProfile]):
    model = VerificationDecision
    extra = 0
    can_delete = False
    fields = ["decision", "reason", "decided_by", "registration_checked", "decided_at"]
    readonly_fields = ["decision", "reason", "decided_by", "registration_checked", "decided_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TherapistProfile)
class TherapistProfileAdmin(admin.ModelAdmin[TherapistProfile]):
    list_display = ["name", "status", "tier", "town", "accepting_new_clients", "updated_at"]
    list_filter = ["status", "tier", "country", "accepting_new_clients"]
    search_fields = ["name", "slug", "user__email", "registration_number"]
    raw_id_fields = ["user"]
    # Status changes go through the verification queue, so every one is recorded.
    readonly_fields = ["status", "tier", "submitted_at", "verified_at", "lowest_fee_minor"]
    inlines = [DecisionInline]
    show_full_result_count = False

    def save_model(
        self, request: HttpRequest, obj: TherapistProfile, form: Any, change: bool
    ) -> None:
        # An edit here of what a verifier checks (name, registration, qualifications) is no
        # decision: the profile goes back to the queue, where the decision is recorded.
        if change and send_back_if_checked_facts_changed(profile=obj, changed=form.changed_data):
            self.message_user(
                request,
                "The checked details changed: the profile is back in the verification queue.",
            )
        super().save_model(request, obj, form, change)


@admin.register(VerificationDecision)
class VerificationDecisionAdmin(admin.ModelAdmin[VerificationDecision]):
    list_display = ["profile", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    readonly_fields = [
        "profile",
        "decision",
        "reason",
        "decided_by",
        "registration_checked",
        "decided_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
