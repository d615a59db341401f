"""Reviewing what comes in: decisions, corrections, forgotten sessions and data-quality flags.

decisions (approve / has issues / reject, replies, bulk approval), corrections (a lead's or
coordinator's change to any captured record, with its reason), forgotten (closing sessions a
fieldworker forgot to end), quality (the data-quality flags) and thresholds (every limit those
use, in one place). Plain functions: no request objects inside; the caller commits.
"""
