"""Reading the stored math for people: groups, points for the chart, repness, consensus.

The stored math (`ConversationMath.data`) speaks in primary keys; this module turns it into
statement numbers and texts, and participant numbers, for the API and the pages.
"""

from __future__ import annotations

from typing import Any

from .models import Conversation, ConversationMath, Participant, Statement


def _statement_rows(
    rows: list[dict[str, Any]], statements: dict[int, Statement]
) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        st = statements.get(row["tid"])
        if st is None:
            continue
        out.append(
            {
                "statement": st.pk,
                "number": st.number,
                "text": st.text,
                "direction": row.get("repful-for", ""),
                "share": float(row.get("p-success", 0.0)),
                "votes": int(row.get("n-trials", 0)),
                "repness": float(row.get("repness", 0.0)),
            }
        )
    return out


def _points(data: dict[str, Any], numbers: dict[int, int]) -> list[dict[str, Any]]:
    people = data.get("participants") or {}
    keys = ("ids", "x", "y", "group")
    columns = [people.get(k, []) for k in keys]
    return [
        {"participant": numbers.get(pk, -1), "x": x, "y": y, "group": g}
        for pk, x, y, g in zip(*columns, strict=True)
    ]


def results_of(conversation: Conversation) -> dict[str, Any]:
    """Groups (size and representative statements), chart points and consensus."""
    math = ConversationMath.objects.filter(pk=conversation.pk).first()
    data: dict[str, Any] = math.data if math else {}
    statements = {s.pk: s for s in Statement.objects.filter(conversation=conversation)}
    numbers = dict(
        Participant.objects.filter(conversation=conversation).values_list("pk", "number")
    )
    group_votes = data.get("group-votes") or {}
    groups = [
        {
            "id": int(g["id"]),
            "members": int((group_votes.get(str(g["id"])) or {}).get("n-members", 0)),
            "center": g["center"],
            "repness": _statement_rows(data.get("repness", {}).get(str(g["id"]), []), statements),
        }
        for g in data.get("group-clusters", [])
    ]
    consensus = data.get("consensus") or {}
    return {
        "version": math.version if math else 0,
        "computed_at": math.computed_at if math else None,
        "participants": len(numbers),
        "groups": groups,
        "points": _points(data, numbers),
        "consensus_agree": _statement_rows(consensus.get("agree", []), statements),
        "consensus_disagree": _statement_rows(consensus.get("disagree", []), statements),
    }
