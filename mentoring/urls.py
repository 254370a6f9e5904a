from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("path/", views.my_path, name="my_path"),
    path("mentees/", views.mentees, name="mentees"),
    path("enrolments/", views.lead_enrolments, name="lead_list"),
    path("enrolments/export.csv", views.lead_export, name="lead_export"),
    path("enrolments/new/", views.enrol, name="enrol"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment"),
    path("enrolments/<int:pk>/mentor/", views.assign_mentor, name="assign_mentor"),
    path("enrolments/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("enrolments/<int:pk>/points/", views.point_tick, name="point_tick"),
    path("enrolments/<int:pk>/questions/", views.question_ask, name="question_ask"),
    path("enrolments/<int:pk>/observations/", views.observation_add, name="observation_add"),
    path("enrolments/<int:pk>/shifts/", views.shift_add, name="shift_add"),
    path("stages/<int:pk>/request/", views.stage_request, name="stage_request"),
    path("stages/<int:pk>/sign-off/", views.stage_sign_off, name="stage_sign_off"),
    path("stages/<int:pk>/send-back/", views.stage_send_back, name="stage_send_back"),
    path("stages/<int:pk>/withdraw/", views.stage_withdraw, name="stage_withdraw"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("observations/<int:pk>/confirm/", views.observation_confirm, name="observation_confirm"),
]
