from django.urls import path

from tandem.accounts import views

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.export_my_data, name="my_data_export"),
    path("my-data/delete/", views.delete_account, name="my_data_delete"),
]
