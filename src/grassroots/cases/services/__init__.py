"""The only code that changes cases. One transaction each; every step is a timeline event
and an audit entry; an illegal step raises `CaseError` and changes nothing."""

from ._common import RESIDENT, ResidentActor
from ._common import record as record_event  # for other apps' steps that keep the state
from .attachments import attach_file
from .categories import create_category
from .closing import (
    close_case,
    follow_up_case,
    merge_case,
    reject_case,
    reopen_case,
    reveal_resident,
)
from .handling import (
    accept_case,
    add_supporting_units,
    complete_part,
    decide_extension,
    dispatch_case,
    reply_case,
    request_extension,
    return_case,
    supervise_case,
    transfer_case,
)
from .intake import CaseDraft, IntakeResult, submit_case
from .reclassify import change_case_category, change_case_priority  # noqa: F401

__all__ = [
    "RESIDENT",
    "CaseDraft",
    "IntakeResult",
    "ResidentActor",
    "accept_case",
    "add_supporting_units",
    "attach_file",
    "close_case",
    "complete_part",
    "create_category",
    "decide_extension",
    "dispatch_case",
    "follow_up_case",
    "merge_case",
    "record_event",
    "reject_case",
    "reopen_case",
    "reply_case",
    "request_extension",
    "return_case",
    "reveal_resident",
    "submit_case",
    "supervise_case",
    "transfer_case",
]
