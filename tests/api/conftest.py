"""Run on both databases."""

from database_fixtures import engine, session

__all__ = ["engine", "session"]
