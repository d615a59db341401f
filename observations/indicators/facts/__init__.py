"""Indicator facts (models/facts.py): computed per session, rewritten on every change."""

from .refresh import rebuild, refresh
from .tracking import install, mark, settle

__all__ = ["install", "mark", "rebuild", "refresh", "settle"]
