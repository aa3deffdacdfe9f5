"""Routes of the web layer's insights pages (included by web/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
