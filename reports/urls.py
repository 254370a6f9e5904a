from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("export/<slug:table>.csv", views.export_csv, name="export"),
]
