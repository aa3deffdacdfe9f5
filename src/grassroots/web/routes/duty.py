"""Routes of the web layer's duty roster pages (included by web/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
