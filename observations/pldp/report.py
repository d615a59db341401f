"""What a PLDP import did (or would do), as a short report of plain lines.

Programs read the lines "study: …" and "rows read: N; imported: N; rejected: N"; everything
else is for people. However large the file, the report stays short: rejected rows are
grouped by reason with a count and the first few line numbers, warnings by their text.
"""

from collections import Counter
from dataclasses import dataclass, field

# Line numbers shown per reason of rejection, and distinct warnings shown.
FIRST_LINES = 5
MAX_WARNINGS = 20


class ImportRefused(Exception):
    """Nothing was imported (nothing could be, or it was a dry run that would fail)."""

    def __init__(self, report: "ImportReport"):
        super().__init__("; ".join(report.reasons()))
        self.report = report


@dataclass
class ImportReport:
    """What an import did, for the command line and the import page."""

    study: str = ""
    created_study: bool = False
    rows: int = 0
    rows_imported: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    sessions: dict[str, int] = field(default_factory=dict)
    people: int = 0
    mapped: dict[str, str] = field(default_factory=dict)
    added_codes: list[str] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)
    unknown: dict[str, int] = field(default_factory=dict)
    unknown_text: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    dialect: str = ""
    kind: str = ""
    encoding: str = ""
    points: int = 0
    point_columns: list[str] = field(default_factory=list)
    completed: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    stored: bool = True  # False: rolled back (a dry run, or nothing could be imported)

    def grouped_rejections(self) -> list[tuple[str, int, list[int]]]:
        """(reason, rows, first line numbers) per reason, the most frequent first."""
        lines: dict[str, list[int]] = {}
        for line, reason in self.rejected:
            lines.setdefault(reason, []).append(line)
        return sorted(
            ((reason, len(found), found[:FIRST_LINES]) for reason, found in lines.items()),
            key=lambda item: -item[1],
        )

    def reasons(self) -> list[str]:
        """Why nothing could be imported (empty when rows could be)."""
        stored = sum(n for status, n in self.sessions.items() if status != "invalid")
        if self.rows_imported and stored:
            return []
        if not self.rows:
            return ["the table has no rows"]
        if not self.rows_imported:
            return [f"every row was rejected ({len(self.rejected)})"]
        if not self.sessions:
            return ["no survey has a readable start time"]
        return ["the sync service's checks refused every survey (see the warnings)"]

    def lines(self) -> list[str]:
        """The report as plain lines of text."""
        study_note = " (created)" if self.created_study else ""
        if self.created_study and not self.stored:
            study_note = " (would be created)"
        out = [
            f"study: {self.study}{study_note}",
            f"rows read: {self.rows}; imported: {self.rows_imported}; "
            f"rejected: {len(self.rejected)}",
            "surveys → sessions: "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.sessions.items())),
            f"people counted: {self.people}",
        ]
        if self.kind:
            out.append(f"kind: {self.kind}")
        if self.dialect:
            out.append(f"dialect: {self.dialect}")
        if self.encoding:
            out.append(f"encoding: {self.encoding}")
        out += [f"mapped: {column} → {target}" for column, target in self.mapped.items()]
        out += [f"added to the codebook: {code}" for code in self.added_codes]
        out += [
            f"counted as mode:other: {n} people the rows counted (row_total, gender, age or "
            "group) beyond their modes"
            if category == "mode"
            else f"counted as {category}:unknown: {n} people the row counted without a {category}"
            for category, n in self.completed.items()
        ]
        if self.points:
            out.append(
                f"point locations dropped (Terloops keeps no person-level locations): "
                f"{self.points} rows, column {', '.join(self.point_columns)}; "
                "rows go to zones by location"
            )
        out += [
            f"not imported (race/ethnicity is not recorded, AVG art. 9): {c} ({n} people)"
            for c, n in self.refused.items()
        ]
        out += [
            f"not imported (no matching category): {c} (total {n}"
            + (f"; {self.unknown_text[c]} cells of text" if self.unknown_text.get(c) else "")
            + ")"
            for c, n in self.unknown.items()
        ]
        out += [
            f"rejected: {reason}: {n} rows (lines {', '.join(map(str, first))}"
            + (", …)" if n > len(first) else ")")
            for reason, n, first in self.grouped_rejections()
        ]
        repeated = list(Counter(self.warnings).items())
        out += [
            f"warning: {text}" + (f" ({n}×)" if n > 1 else "")
            for text, n in repeated[:MAX_WARNINGS]
        ]
        if len(repeated) > MAX_WARNINGS:
            out.append(f"warning: … and {len(repeated) - MAX_WARNINGS} other warnings")
        if self.dry_run:
            out.append(
                "dry run: nothing was stored"
                + ("; the import would succeed" if not self.reasons() else "")
            )
        elif not self.stored:
            out.append("nothing was imported: " + "; ".join(self.reasons()))
        return out
