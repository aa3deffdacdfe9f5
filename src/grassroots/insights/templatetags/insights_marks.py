"""`{% demand_mark case as m %}`: the case's unreasonable-demand mark as the case page shows it
(active or not, who, when, why) and whether the viewer may mark or withdraw it."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.cases.models import Case

from ..models import DemandMark
from ..services import may_mark

register = template.Library()


@register.simple_tag(takes_context=True)
def demand_mark(context: template.Context, case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    mark = DemandMark.objects.select_related("marked_by").filter(case=case).first()
    active = mark is not None and mark.active
    return {
        "mark": mark if active else None,
        "may_mark": user is not None and may_mark(case, user),
        "action": "withdraw" if active else "mark",
    }
