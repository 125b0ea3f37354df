from django.contrib import admin

from tandem.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "role", "is_active", "date_joined", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "name"]
    ordering = ["-date_joined"]
    fields = ["email", "name", "role", "is_active", "date_joined", "last_login"]
    readonly_fields = ["date_joined", "last_login"]
