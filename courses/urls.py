from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("lessons/<int:pk>/studied/", views.lesson_mark_studied, name="lesson_studied"),
    path("changes/<int:pk>/", views.lesson_changes, name="lesson_changes"),
]
