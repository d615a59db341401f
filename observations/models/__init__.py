"""The data model of DESIGN.md: every table Terloops stores."""

from .account import (
    PASSWORD_LINK_PURPOSES,
    ROLE_VALUES,
    ApiToken,
    Login,
    Membership,
    PasswordLink,
    Role,
    User,
)
from .codebook import PER_PERSON, Category, Code, Codebook
from .export import EXPORT_STATES, ExportJob, ExportPreset
from .facts import FACT_MODELS, CodeFact, ConditionFact, HourFact, SessionCodeFact, ZoneFact
from .imports import ImportJob
from .records import (
    PASSER_GROUPS,
    PASSER_MODES,
    REVIEW_STATES,
    Encounter,
    EncounterFlag,
    FieldNote,
    PasserCount,
    PasserTally,
    Scan,
    ScanCondition,
    ScanCount,
    Session,
    SessionWeather,
    session_zones,
)
from .review import AuditEvent, Correction, Review
from .schedule import Slot, slot_zones
from .study import SITE_KINDS, SITE_SETTINGS, OpeningHours, Site, SiteProfile, Study, Zone
from .team import Absence, Availability
from .types import FIRST_DAY, LAST_DAY, UTCDateTime, utcnow

__all__ = [
    "EXPORT_STATES",
    "FACT_MODELS",
    "FIRST_DAY",
    "LAST_DAY",
    "PASSER_GROUPS",
    "PASSER_MODES",
    "PASSWORD_LINK_PURPOSES",
    "PER_PERSON",
    "REVIEW_STATES",
    "ROLE_VALUES",
    "SITE_KINDS",
    "SITE_SETTINGS",
    "Absence",
    "ApiToken",
    "AuditEvent",
    "Availability",
    "Category",
    "Code",
    "CodeFact",
    "Codebook",
    "ConditionFact",
    "Correction",
    "Encounter",
    "EncounterFlag",
    "ExportJob",
    "ExportPreset",
    "FieldNote",
    "HourFact",
    "ImportJob",
    "Login",
    "Membership",
    "OpeningHours",
    "PasserCount",
    "PasserTally",
    "PasswordLink",
    "Review",
    "Role",
    "Scan",
    "ScanCondition",
    "ScanCount",
    "Session",
    "SessionCodeFact",
    "SessionWeather",
    "Site",
    "SiteProfile",
    "Slot",
    "Study",
    "UTCDateTime",
    "User",
    "Zone",
    "ZoneFact",
    "session_zones",
    "slot_zones",
    "utcnow",
]
