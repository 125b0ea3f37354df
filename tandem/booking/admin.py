from django.contrib import admin

from tandem.booking.models import (
    Booking,
    BookingEvent,
    BookingSettings,
    DateException,
    SessionType,
    WaitlistEntry,
    WeeklyHours,
)


@admin.register(BookingSettings)
class BookingSettingsAdmin(admin.ModelAdmin):
    list_display = ["therapist", "time_zone", "auto_confirm"]
    raw_id_fields = ["therapist"]
    exclude = ["calendar_feed_token"]


@admin.register(SessionType)
class SessionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "therapist", "minutes", "price_minor", "currency", "is_active"]
    raw_id_fields = ["therapist"]


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    readonly_fields = ["kind", "by", "reason", "previous_start", "at"]
    can_delete = False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["public_id", "therapist_name", "starts_at", "status"]
    list_filter = ["status"]
    # Times, state and names only: notes and reasons stay between the two people.
    fields = ("therapist_name", "session_name", "starts_at", "ends_at", "status", "ical_sequence")
    readonly_fields = fields
    inlines = [BookingEventInline]

    def has_add_permission(self, request: object) -> bool:
        return False


admin.site.register(WeeklyHours)
admin.site.register(DateException)
admin.site.register(WaitlistEntry)
