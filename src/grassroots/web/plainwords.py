"""A case's public timeline told in plain words, for residents (no staff names, no codes)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def _sentences() -> dict[str, str]:
    # Built per call so that each sentence is translated into the request's language.
    return {
        "received": _("We received your report."),
        "dispatched": _("Your case was given to %(unit)s."),
        "accepted": _("%(unit)s took on your case and will contact you."),
        "returned": _("Your case is being routed to the right unit."),
        "transferred": _("Your case was handed on to %(unit)s."),
        "cohandle_added": _("Another unit is helping with your case."),
        "summoned": _("Several departments were called in to help."),
        "part_done": _("A helping unit finished its part."),
        "extension_requested": _("The unit asked for more time."),
        "extension_approved": _("The deadline was extended."),
        "extension_denied": _("The unit must keep its deadline."),
        "supervised": _("The service centre pressed the unit to act."),
        "replied": _("%(unit)s answered you."),
        "followed_up": _("Your rating was recorded."),
        "reopened": _("Your case was reopened."),
        "closed": _("Your case is closed."),
        "merged": _("Your case joined another report of the same problem."),
        "rejected": _("Your case could not be taken on."),
        "attached": _("A photo or file was added."),
        "escalated": _("The deadline passed; the case was raised to the supervisors."),
        "reminded": _("The unit was reminded of its deadline."),
    }


def plain_steps(timeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each public event as {at, text, note}; units by name, or 'the unit' when unknown."""
    sentences = _sentences()
    steps = []
    for event in timeline:
        unit = (event.get("unit") or {}).get("name") or _("the unit")
        text = sentences.get(event["type"], event["label"]) % {"unit": unit}
        steps.append(
            {"at": event["at"], "text": text[:1].upper() + text[1:], "note": event["note"]}
        )
    return steps
