"""Grassroots: an open-source platform for community governance and public service."""

__version__ = "0.1.0"
