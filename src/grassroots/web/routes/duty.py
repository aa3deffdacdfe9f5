"""Routes of the web layer's duty roster pages (included by web/urls.py)."""

from django.urls import URLPattern, path

from ..views import duty

urlpatterns: list[URLPattern] = [
    path("console/duty/", duty.roster, name="duty"),
    path("console/duty/shifts/", duty.add, name="duty_add"),
    path("console/duty/shifts/<int:shift_id>/cancel/", duty.cancel, name="duty_cancel"),
]
