"""Routes of the web layer's intake pages (included by web/urls.py): phone intake, the
dispatch queue's one-click actions, and the resident's photos on the track page."""

from django.urls import URLPattern, path

from ..views import phone, portal, queue

urlpatterns: list[URLPattern] = [
    path("console/phone/", phone.phone_intake, name="phone"),
    path("console/phone/caller/", phone.phone_caller, name="phone_caller"),
    path("console/phone/hints/", phone.phone_hints, name="phone_hints"),
    path("console/phone/done/", phone.phone_receipt, name="phone_receipt"),
    path("console/queue/<int:case_id>/dispatch/", queue.quick_dispatch, name="quick_dispatch"),
    path("console/queue/<int:case_id>/merge/", queue.quick_merge, name="quick_merge"),
    path("console/queue/<int:case_id>/triage/", queue.case_triage, name="case_triage"),
    path("track/<str:code>/photos/<int:attachment_id>/", portal.track_photo, name="track_photo"),
    path("report/hints/", portal.report_hints, name="report_hints"),
]
