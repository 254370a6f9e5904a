from django.urls import path

from . import views

app_name = "rotation"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("panel/lead/", views.lead_panel, name="lead_panel"),
    path("staffing/", views.staffing, name="staffing"),
    path("shifts/<int:shift_pk>/demand/", views.demand_edit, name="demand_edit"),
    path("roster/<int:line_pk>/", views.roster, name="roster"),
    path("new/", views.rotation_create, name="create"),
    path("<int:pk>/", views.rotation_detail, name="detail"),
    path("<int:pk>/cancel/", views.rotation_cancel, name="cancel"),
    path("<int:pk>/start/", views.rotation_start, name="start"),
    path("<int:pk>/sign-off/<slug:stage>/", views.rotation_sign_off, name="sign_off"),
    path("calendar/", views.calendar, name="calendar"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical"),
    path("planner/", views.planner, name="planner"),
    path("planner/accept/", views.planner_accept, name="planner_accept"),
    path("mine/", views.my_rotations, name="mine"),
]
