"""Conversation pages: residents vote and add statements, staff moderate, everyone sees results.

Participation works without JavaScript (plain forms, post/redirect/get). A resident who is not
logged in is recognised by a random device token in an HttpOnly cookie, set on their first
vote or statement; only its hash is stored (see `services.Voter`). The results page draws the
participants' map with Chart.js from a `<script type="application/json">` block; the same
numbers are readable without it (group sizes and statements beside the chart).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import ratelimit
from grassroots.deliberation import engines, results, services, tasks
from grassroots.deliberation.enums import ConversationStatus, StatementStatus
from grassroots.deliberation.errors import DeliberationError, not_found
from grassroots.deliberation.models import Conversation, Statement
from grassroots.deliberation.permissions import moderated_q, require_moderator

from .errors import staff_view

DEVICE_COOKIE = "gr_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
GROUP_LETTERS = "ABCDEFGHIJ"
STATEMENTS_PER_MINUTE = 5  # anonymous statements per address and minute


def _conversations() -> Any:
    return Conversation.objects.select_related("unit").annotate(
        n_statements=Count(
            "statements",
            filter=Q(statements__status__in=[StatementStatus.SEED, StatementStatus.ACCEPTED]),
            distinct=True,
        ),
        n_participants=Count("participants", distinct=True),
    )


def _conversation(pk: int) -> Conversation:
    conv = _conversations().filter(pk=pk).first()
    if conv is None:
        raise not_found(_("No such conversation."))
    return conv


def _voter(request: HttpRequest) -> tuple[services.Voter, str]:
    """The voter behind a request, and a new device token to set ("" when none is needed)."""
    if getattr(request.user, "is_authenticated", False):
        return services.Voter(user=request.user), ""
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if len(token) >= 16:
        return services.Voter(device_token=token), ""
    token = secrets.token_urlsafe(24)
    return services.Voter(device_token=token), token


def _keep_token(request: HttpRequest, response: HttpResponse, token: str) -> HttpResponse:
    if token:
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _page_error(request: HttpRequest, error: DeliberationError) -> HttpResponse:
    context = {"message": error.message, "status": error.status}
    return render(request, "web/error.html", context, status=error.status)


def conversation_list(request: HttpRequest) -> HttpResponse:
    """Open conversations first, then closed ones, newest first."""
    rows = list(_conversations().order_by("-created_at")[:100])
    rows.sort(key=lambda c: c.status != ConversationStatus.OPEN)
    return render(request, "web/conversations/list.html", {"conversations": rows})


def participate(request: HttpRequest, pk: int) -> HttpResponse:
    """One statement at a time (the engine's choice), three answers, and a form to add one."""
    try:
        conv = _conversation(pk)
    except DeliberationError as error:
        return _page_error(request, error)
    voter, _new = _voter(request)
    me = services.find_participant(conv, voter)
    is_open = conv.status == ConversationStatus.OPEN
    statement = services.next_statement(conv, voter=voter) if is_open else None
    shown = Statement.objects.filter(conversation=conv, status__in=services.votable(conv))
    voted = shown.filter(votes__participant=me).count() if me else 0
    group = engines.group_of(conv, me.pk) if me and voted else None
    context = {
        "conversation": conv,
        "is_open": is_open,
        "statement": statement,
        "voted": voted,
        "total": shown.count(),
        "group": GROUP_LETTERS[group] if group is not None and group >= 0 else "",
    }
    return render(request, "web/conversations/participate.html", context)


@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Record agree / disagree / pass on the statement shown, then show the next one."""
    voter, token = _voter(request)
    try:
        conv = _conversation(pk)
        statement_id, value = _int(request.POST.get("statement")), _int(request.POST.get("value"))
        statement = (
            Statement.objects.filter(conversation=conv, pk=statement_id).first()
            if statement_id is not None
            else None
        )
        if statement is None or value is None:
            messages.error(request, _("Choose agree, disagree or pass on a statement."))
        else:
            statement.conversation = conv
            services.cast_vote(statement, value=value, voter=voter)
    except DeliberationError as error:
        messages.error(request, error.message)
    return _keep_token(request, redirect("web:conversation", pk=pk), token)


@require_POST
def add_statement(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's statement: pending until moderated (or shown at once in open mode)."""
    voter, token = _voter(request)
    anonymous = not getattr(request.user, "is_authenticated", False)
    if anonymous and not ratelimit.allow(request, "conversation-statement", STATEMENTS_PER_MINUTE):
        messages.error(request, _("Too many statements; wait a minute."))
        return redirect("web:conversation", pk=pk)
    try:
        conv = _conversation(pk)
        statement = services.add_statement(conv, text=request.POST.get("text", ""), voter=voter)
    except DeliberationError as error:
        messages.error(request, error.message)
        return _keep_token(request, redirect("web:conversation", pk=pk), token)
    if statement.status == StatementStatus.PENDING and conv.moderation == "strict":
        messages.success(
            request, _("Thank you. Your statement is shown once a moderator accepts it.")
        )
    else:
        messages.success(request, _("Thank you. Your statement is now shown to others."))
    return _keep_token(request, redirect("web:conversation", pk=pk), token)


def _int(raw: Any) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _letter(group: int) -> str:
    return GROUP_LETTERS[group] if 0 <= group < len(GROUP_LETTERS) else "?"


def _percent(rows: list[dict[str, Any]], direction: str = "") -> None:
    for row in rows:
        row["pct"] = round(100 * row["share"])
        row["direction"] = direction or row["direction"]


def _chart(data: dict[str, Any]) -> dict[str, Any]:
    """Chart.js-ready points by group (no participant numbers: public page)."""
    by_group: dict[int, list[list[float]]] = {}
    for point in data["points"]:
        xy = [round(float(point["x"]), 4), round(float(point["y"]), 4)]
        group = -1 if point["group"] is None else int(point["group"])
        by_group.setdefault(group, []).append(xy)
    series = [
        {
            "group": g,
            "label": _("Group %s") % _letter(g) if g >= 0 else _("Not grouped yet"),
            "points": pts,
        }
        for g, pts in sorted(by_group.items(), key=lambda item: (item[0] < 0, item[0]))
    ]
    return {"series": series, "title": _("Participants by opinion group")}


def conversation_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The opinion map, each group's representative statements, and the consensus."""
    try:
        conv = _conversation(pk)
    except DeliberationError as error:
        return _page_error(request, error)
    tasks.refresh_if_behind(conv.pk)
    data = results.results_of(conv)
    for group in data["groups"]:
        group["letter"] = _letter(group["id"])
        _percent(group["repness"])
    _percent(data["consensus_agree"], "agree")
    _percent(data["consensus_disagree"], "disagree")
    context = {
        "conversation": conv,
        "data": data,
        "chart": _chart(data),
    }
    return render(request, "web/conversations/results.html", context)


@staff_view
def staff_list(request: HttpRequest) -> HttpResponse:
    """Conversations the user moderates, with how many statements wait for a decision."""
    rows = (
        _conversations()
        .filter(moderated_q(request.user))
        .annotate(
            n_pending=Count(
                "statements", filter=Q(statements__status=StatementStatus.PENDING), distinct=True
            )
        )
        .order_by("-n_pending", "-created_at")[:200]
    )
    return render(request, "web/conversations/staff_list.html", {"conversations": rows})


@staff_view
def moderation(request: HttpRequest, pk: int) -> HttpResponse:
    """Pending statements first, with accept and reject; then every other statement."""
    conv = _conversation(pk)
    require_moderator(request.user, conv.unit)
    statements = list(
        Statement.objects.filter(conversation=conv)
        .annotate(n_votes=Count("votes"))
        .order_by("number")
    )
    context = {
        "conversation": conv,
        "pending": [s for s in statements if s.status == StatementStatus.PENDING],
        "others": [s for s in statements if s.status != StatementStatus.PENDING],
        "is_open": conv.status == ConversationStatus.OPEN,
    }
    return render(request, "web/conversations/moderation.html", context)


@require_POST
@staff_view
def moderate(request: HttpRequest, pk: int, statement_id: int) -> HttpResponse:
    """Accept or reject one statement, back to the moderation page."""
    conv = _conversation(pk)
    statement = Statement.objects.filter(conversation=conv, pk=statement_id).first()
    decision = request.POST.get("decision")
    if statement is None or decision not in ("accept", "reject"):
        messages.error(request, _("Choose accept or reject on a statement of this conversation."))
        return redirect("web:conversation_moderation", pk=pk)
    statement.conversation = conv
    services.moderate_statement(statement, accept=decision == "accept", actor=request.user)
    if decision == "accept":
        messages.success(request, _("Statement %d accepted.") % statement.number)
    else:
        messages.success(request, _("Statement %d rejected.") % statement.number)
    return redirect("web:conversation_moderation", pk=pk)


@require_POST
@staff_view
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the conversation (no more votes or statements; results stay)."""
    conv = _conversation(pk)
    services.close_conversation(conv, actor=request.user)
    messages.success(request, _("The conversation is closed."))
    return redirect("web:conversation_moderation", pk=pk)
