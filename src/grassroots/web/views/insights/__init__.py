"""Staff pages of insights: the dashboard, exports, drill-down, monthly report, projects."""
