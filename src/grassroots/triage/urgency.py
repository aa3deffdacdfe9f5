"""Urgency: the deployment's phrase rules, and a soft view of them that tolerates variants.

The rules are exact phrases (case-insensitive): "gas leak", "燃气泄漏", "someone trapped". The
second view, `emergency_probability`, asks how much of each emergency phrase appears close
together in the text, counting characters and character pairs, so that "gas is leaking",
"leaking gas" or a typo such as "燃气泄露" still score high while scattered words do not. It is
a similarity to the deployment's own phrases, not a classifier trained on labelled
emergencies (the deployment has none to begin with); its reason names the phrase it resembles.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from grassroots.cases.enums import Priority

from . import reasons as r
from .models import UrgencyRule
from .textmodel import detect_language

RANK = {Priority.NORMAL: 0, Priority.URGENT: 1, Priority.EMERGENCY: 2}
# The soft view calls a text an emergency from this score up (TRIAGE_EMERGENCY_PROBABILITY).
EMERGENCY_PROBABILITY = 0.8


@dataclass(frozen=True)
class Urgency:
    """The proposed priority and, per matching phrase, a reason a dispatcher can read (as
    data: `reasons.render_all` words them in the reader's language)."""

    priority: str
    reasons: list[r.Reason]
    phrases: list[str]
    probability: float = 0.0  # the soft view's emergency score (0–1)

    @property
    def reason_texts(self) -> list[str]:
        """The reasons in the active language."""
        return r.render_all(self.reasons)


def _squeeze(text: str) -> str:
    """Lower case without blanks: "Gas  Leak" and "gasleak" compare alike."""
    return "".join(text.lower().split())


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _is_chinese(phrase: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in phrase)


def _window_score(phrase: str, pairs: list[str], window: str, chinese: bool) -> float:
    seen = _pairs(window)
    found = [i for i, pair in enumerate(pairs) if pair in seen]
    if not chinese:
        # Latin letters are common: count the phrase's letter pairs found, nothing less.
        return len(set(found)) / len(pairs)
    # Chinese characters carry meaning: count the phrase's characters covered by a found
    # pair, so that words of the phrase apart ("燃气管道泄漏" for 燃气泄漏) still count.
    covered = set(found) | {i + 1 for i in found}
    return len(covered) / len(phrase)


def phrase_score(phrase: str, text: str) -> float:
    """How much of `phrase` appears within a window twice its length somewhere in `text`:
    1.0 for the phrase itself or its words close together, lower for variants and near 0
    for unrelated text. Both arguments as `_squeeze` returns them."""
    if len(phrase) < 2 or not text:
        return 0.0
    pairs = [phrase[i : i + 2] for i in range(len(phrase) - 1)]
    chinese, chars, width = _is_chinese(phrase), set(phrase), 2 * len(phrase)
    best = 0.0
    for start in range(max(len(text) - 1, 1)):
        if text[start] not in chars:
            continue
        best = max(best, _window_score(phrase, pairs, text[start : start + width], chinese))
        if best == 1.0:
            break
    return best


def _rules(language: str) -> list[UrgencyRule]:
    return [
        rule
        for rule in UrgencyRule.objects.filter(is_active=True).order_by("phrase")
        if not rule.language or rule.language == language
    ]


def emergency_probability(text: str, rules: list[UrgencyRule]) -> tuple[float, str]:
    """The best `phrase_score` over the emergency rules, and that rule's phrase."""
    squeezed = _squeeze(text)
    best, phrase = 0.0, ""
    for rule in rules:
        if rule.priority != Priority.EMERGENCY:
            continue
        score = phrase_score(_squeeze(rule.phrase), squeezed)
        if score > best:
            best, phrase = score, rule.phrase
    return round(best, 4), phrase


def assess_urgency(text: str, *, current: str = Priority.NORMAL) -> Urgency:
    """Match the active rules (case-insensitive) against the text, then the soft view; never
    lowers `current`.

    A rule with a language applies only to texts in that language, so a short English phrase
    cannot fire inside pinyin or a code in a Chinese message.
    """
    lowered = text.lower()
    rules = _rules(detect_language(text))
    best: str = current
    reasons: list[r.Reason] = []
    phrases: list[str] = []
    for rule in rules:
        if rule.phrase.lower() not in lowered:
            continue
        phrases.append(rule.phrase)
        reasons.append(r.reason("urgency.phrase", phrase=rule.phrase, priority=rule.priority))
        if RANK[Priority(rule.priority)] > RANK[Priority(best)]:
            best = rule.priority
    probability, like = emergency_probability(text, rules)
    threshold = getattr(settings, "TRIAGE_EMERGENCY_PROBABILITY", EMERGENCY_PROBABILITY)
    if best != Priority.EMERGENCY and probability >= threshold:
        best = Priority.EMERGENCY
        reasons.append(r.reason("urgency.resembles", phrase=like, p=probability * 100))
    return Urgency(str(best), reasons, phrases, probability)
