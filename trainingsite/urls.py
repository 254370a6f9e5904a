from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views

people_patterns = (
    [
        path("", views.people_list, name="list"),
        path("add/", views.person_create, name="create"),
        path("<int:pk>/", views.person_edit, name="edit"),
        path("<int:pk>/deactivate/", views.person_deactivate, name="deactivate"),
        path("<int:pk>/invite/", views.person_invite, name="invite"),
        path("<int:pk>/reactivate/", views.person_reactivate, name="reactivate"),
    ],
    "people",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/learner/", views.learner_dashboard, name="learner_dashboard"),
    path("dashboard/mentor/", views.mentor_dashboard, name="mentor_dashboard"),
    path("dashboard/lead/", views.lead_dashboard, name="lead_dashboard"),
    path("people/", include(people_patterns)),
    path("study/", include("courses.urls")),
    path("training/", include("mentoring.urls")),
    path("", include("certification.urls")),
    path("rotation/", include("rotation.urls")),
    path("reports/", include("reports.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves the study library under /library/ (the Site's root page); keep it last.
urlpatterns += [path("library/", include(wagtail_urls))]
