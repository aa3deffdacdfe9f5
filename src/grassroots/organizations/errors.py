from __future__ import annotations

from enum import StrEnum

from grassroots.core.errors import DomainError


class OrganizationErrorCode(StrEnum):
    DUPLICATE_CODE = "duplicate_unit_code"  # another unit already has this code
    INVALID_CODE = "invalid_unit_code"  # a code must be 1-64 letters, digits, - _ .
    INVALID_PARENT = "invalid_parent"  # the parent's level does not fit the unit's level
    CYCLE = "unit_cycle"  # a unit cannot move under itself or its own subtree
    UNIT_NOT_FOUND = "unit_not_found"  # no unit with this code
    INVALID_ROLE = "invalid_role"  # not one of the roles
    SHIFT_NOT_FOUND = "shift_not_found"  # no duty shift with this id that the user may see
    SHIFT_INVALID_TIMES = "shift_invalid_times"  # end not after start, too long, or already over
    SHIFT_NOT_DISPATCHER = "shift_not_dispatcher"  # the person holds no dispatcher role there
    SHIFT_NOTE_TOO_LONG = "shift_note_too_long"  # a note is at most 200 characters
    SHIFT_OVERLAP = "shift_overlap"  # the person already has a shift for this unit then
    SHIFT_CANCELLED = "shift_cancelled"  # the shift was cancelled already
    SHIFT_OVER = "shift_over"  # the shift has ended: the record of who was on duty stays
    ROSTER_FORBIDDEN = "roster_forbidden"  # the user sees the roster but may not change it


class OrganizationError(DomainError):
    status = 422
