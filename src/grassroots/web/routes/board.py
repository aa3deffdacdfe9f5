"""Routes of the web layer's board pages (included by web/urls.py): the supervisor's board
and the public map of cases nearby."""

from django.urls import URLPattern, path

from ..views import board, nearby

urlpatterns: list[URLPattern] = [
    path("console/board/", board.board, name="board"),
    path("nearby/", nearby.nearby, name="nearby"),
    path("nearby/cases.geojson", nearby.nearby_geojson, name="nearby_geojson"),
]
