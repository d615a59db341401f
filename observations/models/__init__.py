"""The data model of DESIGN.md: every table Terloops stores."""

from .account import ROLE_VALUES, ApiToken, Login, Membership, Role, User
from .codebook import PER_PERSON, Category, Code, Codebook
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
from .types import FIRST_DAY, LAST_DAY, UTCDateTime, utcnow

__all__ = [
    "EXPORT_STATES",
    "FIRST_DAY",
    "LAST_DAY",
    "PER_PERSON",
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
    "Login",
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
