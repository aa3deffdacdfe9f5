"""Bulk import of case history from other systems' exports (`grassroots import-cases`).

Part of `cases` (it writes cases), but not a service: it writes in batches, not one service
call per row, while keeping the services' invariants (tracking code and secret per case,
deadlines, a timeline, a lead assignment, an idempotency record, an audit entry per batch).
See docs/insights.md for the formats, the mapping file and the reasons a row is rejected.
"""

from .mapping import Mapping, MappingError, load_mapping, parse_mapping
from .profiles import FORMATS
from .run import ImportAborted, ImportReport, default_rejects_path, import_cases, warnings_path

__all__ = [
    "FORMATS",
    "ImportAborted",
    "ImportReport",
    "Mapping",
    "MappingError",
    "default_rejects_path",
    "import_cases",
    "load_mapping",
    "parse_mapping",
    "warnings_path",
]
