from django.contrib import admin
from django.urls import include, path

from grassroots.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("open311/v2/", include("grassroots.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("grassroots.web.urls")),
]
