"""Small template helpers for the console: URLs that keep the filters, sort links, deadlines."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

register = template.Library()

NEAR = timedelta(hours=24)  # a deadline within a day is shown amber
SOON = timedelta(hours=2)  # within two hours, red


# Timeline actors that are not people: the stored label is a fixed English word.
ACTOR_NAMES = {"resident": _("resident"), "system": _("system")}


@register.filter
def actor_name(label: str) -> str:
    """A timeline event's actor as the page shows it: the sentinels translated."""
    return str(ACTOR_NAMES.get(label, label))


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.simple_tag(takes_context=True)
def query(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters changed (None drops one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return str(params.urlencode())


@register.simple_tag(takes_context=True)
def sortlink(context: dict[str, Any], key: str, label: str) -> str:
    """A column header link: sorts by `key`, or reverses it when already sorted so."""
    current = context.get("sort", "")
    target = f"-{key}" if current == key else key
    arrow = " ▲" if current == key else (" ▼" if current == f"-{key}" else "")
    sort = "ascending" if current == key else ("descending" if current == f"-{key}" else "none")
    href = "?" + query(context, sort=target, page=None)
    return format_html('<a href="{}" data-sort="{}">{}{}</a>', href, sort, label, arrow)


@register.simple_tag
def due_class(due: datetime | None, now: datetime) -> str:
    """The colour class of a deadline as the page is drawn (static JS keeps it current)."""
    if due is None:
        return ""
    left = due - now
    if left < timedelta(0):
        return "due due-over"
    if left < SOON:
        return "due due-soon"
    return "due due-near" if left < NEAR else "due due-far"


# Where a case still owes an answer: the deadlines only run (and count down) in these states.
_WORKING = frozenset({"received", "dispatched", "accepted"})


@register.simple_tag
def deadline(case: Any, which: str, now: datetime) -> str:
    """A case's respond or resolve deadline as the case page shows it.

    While it runs: the time, coloured by how close it is, counting down (app.js). Once met:
    the time and when it was met, or by how much it was missed. A case that ended without an
    answer (rejected, merged, closed unanswered): the time alone, no countdown."""
    due = case.respond_due if which == "respond" else case.resolve_due
    if due is None:
        return ""
    done = case.responded_at if which == "respond" else case.replied_at
    working = case.status in _WORKING and (which == "resolve" or case.responded_at is None)
    shown = formats.date_format(timezone.localtime(due), "DATETIME_FORMAT")
    if working:
        return format_html(
            '<time datetime="{}" data-due="{}" class="{}">{}</time>',
            due.isoformat(),
            due.isoformat(),
            due_class(due, now),
            shown,
        )
    if done is None:
        return format_html('<time datetime="{}">{}</time>', due.isoformat(), shown)
    at = formats.date_format(timezone.localtime(done), "DATETIME_FORMAT")
    late = done > due
    verdict = gettext_now("missed: done %(at)s") if late else gettext_now("met: done %(at)s")
    return format_html(
        '<time datetime="{}">{}</time> <span class="badge {}" data-testid="deadline-{}">{}</span>',
        due.isoformat(),
        shown,
        "due-late" if late else "due-met",
        which,
        verdict % {"at": at},
    )
