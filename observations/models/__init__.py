"""The data model of DESIGN.md: every table Terloops stores."""

from .account import ROLE_VALUES, ApiToken, Membership, Role, User
from .codebook import Category, Code, Codebook
from .export import EXPORT_STATES, ExportJob, ExportPreset
from .records import (
    REVIEW_STATES,
    Encounter,
    EncounterFlag,
    FieldNote,
    Scan,
    ScanCondition,
    ScanCount,
    Session,
    SessionWeather,
    session_zones,
)
from .review import AuditEvent, Review
from .schedule import Slot, slot_zones
from .study import SITE_KINDS, Site, Study, Zone
from .types import UTCDateTime, utcnow

__all__ = [
    "EXPORT_STATES",
    "REVIEW_STATES",
    "ROLE_VALUES",
    "SITE_KINDS",
    "ApiToken",
    "AuditEvent",
    "Category",
    "Code",
    "Codebook",
    "Encounter",
    "EncounterFlag",
    "ExportJob",
    "ExportPreset",
    "FieldNote",
    "Membership",
    "Review",
    "Role",
    "Scan",
    "ScanCondition",
    "ScanCount",
    "Session",
    "SessionWeather",
    "Site",
    "Slot",
    "Study",
    "UTCDateTime",
    "User",
    "Zone",
    "session_zones",
    "slot_zones",
    "utcnow",
]
