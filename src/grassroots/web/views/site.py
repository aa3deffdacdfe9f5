"""The landing page and the login page."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from grassroots.core import clock
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.models import Unit

from ..forms import ThrottledAuthenticationForm


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what this deployment is, and where to go next."""
    counts = {
        level.label: Unit.objects.filter(level=level).count()
        for level in (UnitLevel.DISTRICT, UnitLevel.STREET, UnitLevel.COMMUNITY, UnitLevel.GRID)
    }
    city = Unit.objects.filter(level=UnitLevel.CITY).first()
    return render(request, "web/home.html", {"city": city, "counts": counts, "now": clock.now()})


class LoginView(auth_views.LoginView):
    """Log in; failures are throttled and Django's `login()` gives the session a new key."""

    template_name = "registration/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True
