"""Pages. Thin: read through querysets, write through services."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.models import Unit


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what this deployment is, and where to go next."""
    counts = {
        level.label: Unit.objects.filter(level=level).count()
        for level in (UnitLevel.DISTRICT, UnitLevel.STREET, UnitLevel.COMMUNITY, UnitLevel.GRID)
    }
    city = Unit.objects.filter(level=UnitLevel.CITY).first()
    return render(request, "web/home.html", {"city": city, "counts": counts, "now": timezone.now()})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
