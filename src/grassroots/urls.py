from django.contrib import admin
from django.urls import include, path, re_path

from grassroots.api import api, api_not_found

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),  # the API's own 404 shape, not the site's HTML page
    path("open311/v2/", include("grassroots.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("grassroots.web.urls")),
]
