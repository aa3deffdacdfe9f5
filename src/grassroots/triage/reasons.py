"""Triage's reasons as data, worded in the reader's language when shown.

Triage runs in a worker or a sweep whose language is nobody's in particular, and a Chinese
and an English dispatcher read the same proposal. So a reason is stored as a code and its
parameters (`{"code": "urgency.phrase", "params": {"phrase": "gas leak", "priority":
"emergency"}}`), and `render` words it with gettext in the active language at display time.

- Numbers stay numbers; a priority or a routing level is stored as its value and shown with
  its label; a category or unit name is stored in both languages (`{"zh": …, "en": …}`) and
  shown in the reader's.
- Older rows hold text (a plain string, or `{"text": …}`): it is shown as it was written.
- An unknown code (a newer version wrote it) shows nothing rather than failing a page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from grassroots.cases.enums import Priority

from .enums import RoutingLevel

Reason = dict[str, Any]


def reason(code: str, /, **params: Any) -> Reason:
    """A reason to store: its code and JSON-safe parameters."""
    return {"code": code, "params": params}


def names(obj: Any) -> dict[str, str]:
    """A category's or unit's name in both languages, to store as a parameter."""
    return {"zh": obj.name_zh or obj.name_en, "en": obj.name_en or obj.name_zh}


def _local(value: Any) -> str:
    """A stored name in the active language (the other one when it is missing)."""
    if not isinstance(value, dict):
        return str(value)
    zh = (get_language() or "").startswith("zh")
    first, second = ("zh", "en") if zh else ("en", "zh")
    return str(value.get(first) or value.get(second) or "")


def _priority(value: str) -> str:
    return str(Priority(value).label) if value in Priority.values else value


def _level(value: str) -> str:
    return str(RoutingLevel(value).label) if value in RoutingLevel.values else value


def _category_model(p: dict[str, Any]) -> str:
    values = {"label": _local(p.get("name") or p["label"]), "p": p["p"]}
    if not p.get("words"):
        return _("The model proposes “%(label)s” (%(p).0f %%).") % values
    return _("The model proposes “%(label)s” (%(p).0f %%), mostly because of: %(words)s.") % {
        **values,
        "words": ", ".join(p["words"]),
    }


def _duplicate(p: dict[str, Any]) -> str:
    parts = [_("%(p).0f %% similar text") % {"p": p["p"]}]
    if p.get("metres") is None:
        parts.append(_("in the same area"))
    else:
        parts.append(_("%(m)d m away") % {"m": p["metres"]})
    hours = p["hours"]
    if hours < 48:
        parts.append(_("received %(n)d hours earlier") % {"n": round(hours)})
    else:
        parts.append(_("received %(n)d days earlier") % {"n": round(hours / 24)})
    return ", ".join(parts) + "."


def _auto_dispatched(p: dict[str, Any]) -> str:
    lines = [_("Dispatched automatically by triage.")]
    if p.get("label"):
        lines.append(
            _("Category “%(label)s” at %(p).0f %%.")
            % {"label": _local(p.get("name") or p["label"]), "p": p["category_p"]}
        )
    lines.append(
        _("Unit confidence %(p).0f %%: %(reason)s")
        % {"p": p["unit_p"], "reason": join(p.get("unit_reasons", []))}
    )
    return "\n".join(lines)


def _raised(p: dict[str, Any]) -> str:
    return "\n".join([_("Raised by triage."), *render_all(p.get("reasons", []))])


_WORDING: dict[str, Callable[[dict[str, Any]], str]] = {
    "category.model": _category_model,
    "urgency.phrase": lambda p: (
        _("The text mentions “%(phrase)s”: %(priority)s.")
        % {"phrase": p["phrase"], "priority": _priority(p["priority"])}
    ),
    "urgency.resembles": lambda p: (
        _("The text resembles “%(phrase)s” (%(p).0f %%): Emergency.")
        % {"phrase": p["phrase"], "p": p["p"]}
    ),
    "routing.no_rule": lambda p: _("The responsibility matrix has no rule for this category."),
    "routing.department": lambda p: (
        _("Matrix: “%(category)s” goes to %(unit)s.")
        % {"category": _local(p["category"]), "unit": _local(p["unit"])}
    ),
    "routing.place_unknown": lambda p: (
        _("Matrix: the %(level)s level acts, but the case's place is unknown.")
        % {"level": _level(p["level"])}
    ),
    "routing.level": lambda p: (
        _("Matrix: the %(level)s level acts on “%(category)s”; the place is in %(unit)s.")
        % {
            "level": _level(p["level"]),
            "category": _local(p["category"]),
            "unit": _local(p["unit"]),
        }
    ),
    "routing.history": lambda p: (
        _(
            "History: %(unit)s closed %(n)d of %(total)d such cases in %(street)s "
            "with a satisfied resident."
        )
        % {
            "unit": _local(p["unit"]),
            "n": p["n"],
            "total": p["total"],
            "street": _local(p["street"]),
        }
    ),
    "routing.from_history": lambda p: _("Suggested from history because the matrix is silent."),
    "routing.disagree": lambda p: _("History disagrees with the matrix: see the other unit."),
    "duplicate.similar": _duplicate,
    "auto.dispatched": _auto_dispatched,
    "auto.merged": lambda p: (
        _("Merged automatically: %(p).0f %% similar to %(code)s.")
        % {"p": p["p"], "code": p["code"]}
    ),
    "auto.raised": _raised,
}


def render(item: Reason | str) -> str:
    """One reason in the active language; stored text as it is."""
    if isinstance(item, str):
        return item
    if "text" in item:
        return str(item["text"])
    wording = _WORDING.get(str(item.get("code")))
    if wording is None:
        return ""
    try:
        return wording(item.get("params") or {})
    except (KeyError, TypeError, ValueError):
        return ""  # a malformed row must not break the page that shows it


def render_all(items: Iterable[Reason | str]) -> list[str]:
    """Each reason in the active language, empty ones left out."""
    return [text for text in map(render, items) if text]


def join(items: Iterable[Reason | str]) -> str:
    """The reasons as one sentence run, as a dispatcher reads them in a table cell."""
    return " ".join(render_all(items))


def legacy(text: str) -> list[Reason]:
    """A reason stored as text before reasons were data (kept and shown as written)."""
    return [{"text": text}] if text else []
