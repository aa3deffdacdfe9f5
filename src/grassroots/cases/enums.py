"""The vocabulary of a case: kinds, channels, priorities, states, events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")  # 投诉
    HELP = "help", _("Request for help")  # 求助
    CONSULTATION = "consultation", _("Consultation")  # 咨询
    SUGGESTION = "suggestion", _("Suggestion")  # 建议
    PRAISE = "praise", _("Praise")  # 表扬
    PETITION = "petition", _("Petition")  # 信访: same machinery, stricter deadlines


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    MOBILE = "mobile", _("Mobile")
    PHONE = "phone", _("Phone (operator)")  # entered by a hotline operator
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    ONSITE = "onsite", _("On-site reception")  # 四下基层
    LETTER = "letter", _("Letter")


# Channels where a member of staff types the case in for a resident: the staff member is
# recorded as `submitted_by`, but is neither the resident nor the case's owner.
STAFF_ENTERED_CHANNELS = frozenset({Channel.PHONE, Channel.ONSITE, Channel.LETTER})


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")  # jumps the queue, emergency deadline


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")  # in the dispatch queue (new or returned)
    DISPATCHED = "dispatched", _("Dispatched")  # given to a unit, not yet accepted
    ACCEPTED = "accepted", _("In progress")  # the unit accepted and contacted the resident
    REPLIED = "replied", _("Replied")  # the unit answered; awaiting follow-up
    FOLLOWED_UP = "followed_up", _("Followed up")  # the resident rated the answer
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")  # spam or out of scope, with a reason
    MERGED = "merged", _("Merged")  # a duplicate; follows its parent case


OPEN_STATUSES = (
    CaseStatus.RECEIVED,
    CaseStatus.DISPATCHED,
    CaseStatus.ACCEPTED,
    CaseStatus.REPLIED,
    CaseStatus.FOLLOWED_UP,
)
TERMINAL_STATUSES = (CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.MERGED)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Not satisfied")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")  # 主办: answers the resident
    SUPPORT = "support", _("Supporting unit")  # 协办: handles its part


class AssignmentVia(models.TextChoices):
    DISPATCH = "dispatch", _("Dispatch")
    TRANSFER = "transfer", _("Transfer")
    COHANDLE = "cohandle", _("Co-handle")
    SUMMON = "summon", _("Summon")  # 吹哨报到: departments must report and co-handle


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DONE = "done", _("Part done")
    WITHDRAWN = "withdrawn", _("Withdrawn")  # returned or transferred away: no longer theirs
    ENDED = "ended", _("Ended")  # the case finished (closed, merged) while theirs


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")


class DeadlineUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")
    HOURS = "hours", _("hours (around the clock)")


class CaseEventType(models.TextChoices):
    RECEIVED = "received", _("Received")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    TRANSFERRED = "transferred", _("Transferred")
    COHANDLE_ADDED = "cohandle_added", _("Co-handling unit added")
    SUMMONED = "summoned", _("Units summoned")
    PART_DONE = "part_done", _("Supporting part done")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_DENIED = "extension_denied", _("Extension denied")
    SUPERVISED = "supervised", _("Supervised")
    REPLIED = "replied", _("Replied")
    FOLLOWED_UP = "followed_up", _("Followed up")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged")
    REJECTED = "rejected", _("Rejected")
    REMINDED = "reminded", _("Deadline reminder sent")
    ESCALATED = "escalated", _("Overdue: escalated")
    ATTACHED = "attached", _("File attached")
    IDENTITY_VIEWED = "identity_viewed", _("Resident identity viewed")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    CATEGORY_CHANGED = "category_changed", _("Category changed")
    DEMAND_MARKED = "demand_marked", _("Marked as unreasonable demand")
    DEMAND_UNMARKED = "demand_unmarked", _("Unreasonable-demand mark withdrawn")
