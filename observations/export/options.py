"""What an export contains: format, labels and filters, as plain values."""

from dataclasses import asdict, dataclass, field
from datetime import date

# pldp: the scans (people staying); pldp-moving: the people-moving counts.
FORMATS = ("xlsx", "csv", "pldp", "pldp-moving")
LABELS = ("nl", "en", "codes")
# Excel holds 1,048,576 rows; one is the header.
EXCEL_ROWS = 1_048_575


@dataclass
class ExportOptions:
    """Settings of one export; empty filters mean: everything."""

    format: str = "xlsx"
    labels: str = "nl"
    sites: list[int] = field(default_factory=list)
    observers: list[int] = field(default_factory=list)
    review_states: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    # Rows per sheet before it continues on a numbered next sheet (tests make it small).
    row_limit: int = EXCEL_ROWS

    def to_json(self) -> dict:
        """The settings as JSON-able values (for presets and the list of past exports)."""
        values = asdict(self)
        values.pop("row_limit")
        for key in ("date_from", "date_to"):
            values[key] = values[key].isoformat() if values[key] else None
        return values

    @classmethod
    def from_json(cls, values: dict) -> "ExportOptions":
        """Settings back from JSON, ignoring keys this version does not know."""
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        for key in ("date_from", "date_to"):
            if known.get(key):
                known[key] = date.fromisoformat(known[key])
        return cls(**known)

    @property
    def extension(self) -> str:
        """The file name's ending for this format."""
        return {"xlsx": "xlsx", "csv": "zip", "pldp": "csv", "pldp-moving": "csv"}[self.format]
