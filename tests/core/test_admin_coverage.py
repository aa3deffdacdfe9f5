"""Every model of every Grassroots app has an admin page that answers."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from tests.factories.organizations import UserFactory


def _our_models() -> list[type]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("grassroots.")
        for model in config.get_models()
    ]


def test_every_model_is_registered_in_the_admin() -> None:
    missing = [m._meta.label for m in _our_models() if not admin.site.is_registered(m)]

    assert missing == []


@pytest.mark.django_db
def test_every_admin_list_page_answers() -> None:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    failing = []
    for model in _our_models():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        status = client.get(url).status_code
        if status != 200:
            failing.append((url, status))

    assert failing == []
