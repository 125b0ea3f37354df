from django.urls import path

from tandem.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("match/", views.match, name="match"),
    path("me/", views.my_profile, name="my_profile"),
    path("me/edit/", views.edit_profile, name="edit_profile"),
    path("me/preview/", views.preview_profile, name="preview_profile"),
    path("me/submit/", views.submit_profile, name="submit_profile"),
    path("verification/", views.verification_queue, name="verification_queue"),
    path("verification/<int:pk>/", views.verification_review, name="verification_review"),
    # Last: any other single path segment is a profile's slug (see models.RESERVED_SLUGS).
    path("<slug:slug>/", views.profile, name="profile"),
]
