"""Routes of the web layer's conversations pages (included by web/urls.py)."""

from django.urls import URLPattern, path

from ..views import conversations as views

urlpatterns: list[URLPattern] = [
    path("conversations/", views.conversation_list, name="conversations"),
    path("conversations/<int:pk>/", views.participate, name="conversation"),
    path("conversations/<int:pk>/vote/", views.vote, name="conversation_vote"),
    path("conversations/<int:pk>/statements/", views.add_statement, name="conversation_add"),
    path(
        "conversations/<int:pk>/results/", views.conversation_results, name="conversation_results"
    ),
    path("console/conversations/", views.staff_list, name="conversations_staff"),
    path(
        "console/conversations/<int:pk>/",
        views.moderation,
        name="conversation_moderation",
    ),
    path(
        "console/conversations/<int:pk>/statements/<int:statement_id>/",
        views.moderate,
        name="conversation_moderate",
    ),
    path("console/conversations/<int:pk>/close/", views.close, name="conversation_close"),
]
