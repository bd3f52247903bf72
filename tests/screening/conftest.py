"""Fixtures of the screening tests."""

from screening_lists import list_file

__all__ = ["list_file"]
