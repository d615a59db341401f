"""Exports a research lead made, and the settings they saved as presets."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JOB_STATES, JobRow, UTCDateTime, utcnow

EXPORT_STATES = JOB_STATES


class ExportJob(JobRow, db.Model):
    """One export: its settings, progress, outcome and the file it wrote."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    format: Mapped[str] = mapped_column(sa.String(20))
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    row_counts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    file_name: Mapped[str] = mapped_column(sa.String(200), default="")
    size_bytes: Mapped[int | None]

    user: Mapped["User"] = relationship()  # noqa: F821


class ExportPreset(db.Model):
    """Export settings saved under a name, for one user in one study."""

    __tablename__ = "export_presets"
    __table_args__ = (sa.UniqueConstraint("study_id", "user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(sa.String(80), info={"required": True})
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
