"""Routes of the web layer's suggestion-collection and deliberation-meeting pages (included
by web/urls.py): residents under /suggestions/, staff under /console/suggestions/ and
/console/meetings/."""

from django.urls import URLPattern, path

from ..views import meetings, suggestions, suggestions_staff

urlpatterns: list[URLPattern] = [
    # Residents
    path("suggestions/", suggestions.calls, name="suggestion_calls"),
    path("suggestions/<int:call_id>/", suggestions.call_page, name="suggestion_call"),
    path("suggestions/<int:call_id>/propose/", suggestions.propose, name="suggestion_propose"),
    path("suggestions/p/<int:proposal_id>/", suggestions.proposal_page, name="suggestion"),
    path(
        "suggestions/p/<int:proposal_id>/support/",
        suggestions.support,
        name="suggestion_support",
    ),
    path(
        "suggestions/p/<int:proposal_id>/comment/",
        suggestions.comment,
        name="suggestion_comment",
    ),
    path("suggestions/photos/<int:photo_id>/", suggestions.photo, name="suggestion_photo"),
    # Staff
    path("console/suggestions/", suggestions_staff.todo, name="suggestion_todo"),
    path("console/suggestions/new/", suggestions_staff.call_new, name="suggestion_call_new"),
    path(
        "console/suggestions/<int:call_id>/",
        suggestions_staff.call_manage,
        name="suggestion_call_manage",
    ),
    path(
        "console/suggestions/<int:call_id>/close/",
        suggestions_staff.call_close,
        name="suggestion_call_close",
    ),
    path(
        "console/suggestions/<int:call_id>/promote/",
        suggestions_staff.call_promote,
        name="suggestion_call_promote",
    ),
    path(
        "console/suggestions/<int:call_id>/offline/",
        suggestions_staff.offline,
        name="suggestion_offline",
    ),
    path(
        "console/suggestions/p/<int:proposal_id>/",
        suggestions_staff.proposal_review,
        name="suggestion_review",
    ),
    path(
        "console/suggestions/p/<int:proposal_id>/<str:name>/",
        suggestions_staff.proposal_act,
        name="suggestion_act",
    ),
    path(
        "console/suggestions/comments/<int:comment_id>/<str:name>/",
        suggestions_staff.comment_act,
        name="suggestion_comment_act",
    ),
    path("console/meetings/", meetings.meeting_list, name="meetings"),
    path("console/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("console/meetings/<int:meeting_id>/", meetings.meeting_page, name="meeting"),
    path(
        "console/meetings/<int:meeting_id>/<str:name>/",
        meetings.meeting_act,
        name="meeting_act",
    ),
    path(
        "console/decisions/<int:decision_id>/update/",
        meetings.decision_update,
        name="decision_update",
    ),
]
