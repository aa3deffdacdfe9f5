"""The only code that changes deliberation data. One transaction each, with an audit entry;
a refused request raises `DeliberationError` and changes nothing."""

from . import meetings, suggestions, suggestions_review  # noqa: F401  (suggestions and meetings)
from .conversations import (
    VoteOutcome,
    Voter,
    add_statement,
    cast_vote,
    close_conversation,
    find_participant,
    moderate_statement,
    next_statement,
    open_conversation,
    votable,
)
from .opendata import import_opendata, opendata_files, opendata_zip, write_opendata

__all__ = [
    "VoteOutcome",
    "Voter",
    "add_statement",
    "cast_vote",
    "close_conversation",
    "find_participant",
    "import_opendata",
    "moderate_statement",
    "next_statement",
    "open_conversation",
    "opendata_files",
    "opendata_zip",
    "votable",
    "write_opendata",
]
