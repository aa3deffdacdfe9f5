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


class OrganizationError(DomainError):
    status = 422
