from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from .routes import AREAS
from .views import actions, common, console, demand, portal, site

app_name = "web"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", site.home, name="home"),
    path("login/", site.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Resident portal
    path("report/", portal.report, name="report"),
    path("report/receipt/", portal.receipt, name="receipt"),
    path("track/", portal.track_lookup, name="track_lookup"),
    path("track/<str:code>/", portal.track, name="track"),
    path("track/<str:code>/rate/", portal.track_rate, name="track_rate"),
    path("track/<str:code>/reopen/", portal.track_reopen, name="track_reopen"),
    path("map/areas.geojson", common.areas, name="areas"),
    # Staff console
    path("console/", console.inbox, name="inbox"),
    path("console/unit/", console.switch_unit, name="switch_unit"),
    path("console/cases/<int:case_id>/", console.case_page, name="case"),
    path("console/cases/<int:case_id>/reveal/", actions.reveal, name="reveal"),
    path("console/cases/<int:case_id>/act/<str:name>/", actions.act, name="act"),
    path("console/cases/<int:case_id>/demand/", demand.demand_mark, name="demand_mark"),
]
urlpatterns += [path("", include(f"grassroots.web.routes.{area}")) for area in AREAS]
