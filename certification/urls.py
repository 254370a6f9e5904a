from django.urls import include, path

from . import views

app_name = "certification"

learner_patterns = [
    path("", views.my_quizzes, name="my_quizzes"),
    path("quizzes/<int:pk>/", views.quiz_detail, name="quiz_detail"),
    path("quizzes/<int:pk>/start/", views.attempt_start, name="attempt_start"),
    path("attempts/<int:pk>/", views.attempt_page, name="attempt"),
    path("attempts/<int:pk>/answer/<int:position>/", views.attempt_answer, name="attempt_answer"),
    path("attempts/<int:pk>/finish/", views.attempt_finish, name="attempt_finish"),
    path("attempts/<int:pk>/review/", views.attempt_review, name="attempt_review"),
    path("certificates/<int:pk>/pdf/", views.certificate_download, name="certificate_download"),
    path("lead/certificates/", views.lead_certificates, name="lead_certificates"),
    path("lead/certificates/print/", views.certificates_print, name="certificates_print"),
    path("lead/certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("lead/exceptions/", views.override_create, name="override_create"),
    path("bank/analysis/<int:pk>/", views.item_analysis, name="item_analysis"),
    path("bank/import/", views.gift_import, name="gift_import"),
    path("bank/export/", views.gift_export, name="gift_export"),
]

urlpatterns = [
    path("certification/", include(learner_patterns)),
    # Public, no login: the URL printed (and QR-encoded) on every certificate.
    path("certificates/verify/<path:code>/", views.certificate_verify, name="verify"),
]
