"""Urgency from the deployment's phrase rules: the highest priority among matching phrases."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from grassroots.cases.enums import Priority

from .models import UrgencyRule
from .textmodel import detect_language

RANK = {Priority.NORMAL: 0, Priority.URGENT: 1, Priority.EMERGENCY: 2}


@dataclass(frozen=True)
class Urgency:
    """The proposed priority and, per matching phrase, a reason a dispatcher can read."""

    priority: str
    reasons: list[str]
    phrases: list[str]


def assess_urgency(text: str, *, current: str = Priority.NORMAL) -> Urgency:
    """Match the active rules (case-insensitive) against the text; never lowers `current`.

    A rule with a language applies only to texts in that language, so a short English phrase
    cannot fire inside pinyin or a code in a Chinese message.
    """
    lowered = text.lower()
    language = detect_language(text)
    best, reasons, phrases = current, [], []
    for rule in UrgencyRule.objects.filter(is_active=True).order_by("phrase"):
        if rule.language and rule.language != language:
            continue
        if rule.phrase.lower() not in lowered:
            continue
        phrases.append(rule.phrase)
        reasons.append(
            _("The text mentions “%(phrase)s”: %(priority)s.")
            % {"phrase": rule.phrase, "priority": Priority(rule.priority).label}
        )
        if RANK[Priority(rule.priority)] > RANK[Priority(best)]:
            best = rule.priority
    return Urgency(str(best), reasons, phrases)
