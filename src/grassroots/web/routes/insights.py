"""Routes of the web layer's insights pages (included by web/urls.py): the dashboard, its
exports and drill-down, the monthly report per unit, and the topic-of-the-month projects."""

from django.urls import URLPattern, path

from ..views.insights import dashboard, exports, projects, report

urlpatterns: list[URLPattern] = [
    path("console/insights/", dashboard.dashboard, name="insights"),
    path("console/insights/cases/", dashboard.drilldown, name="insights_cases"),
    path("console/insights/export/<str:name>.<str:fmt>", exports.export, name="insights_export"),
    path("console/insights/report/", report.monthly_report, name="insights_report"),
    path("console/insights/projects/", projects.project_list, name="insights_projects"),
    path(
        "console/insights/projects/<int:project_id>/",
        projects.project_page,
        name="insights_project",
    ),
    path(
        "console/insights/projects/<int:project_id>/<str:step>/",
        projects.project_step,
        name="insights_project_step",
    ),
    path(
        "console/insights/hot/<int:issue_id>/project/",
        projects.from_issue,
        name="insights_from_issue",
    ),
]
