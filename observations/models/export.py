"""Exports a research lead made, and the settings they saved as presets."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

EXPORT_STATES = ("queued", "running", "done", "failed")


class ExportJob(db.Model):
    """One export: its settings, progress, outcome and the file it wrote."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name="status_known"
        ),
        sa.Index("ix_export_jobs_study_created", "study_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    format: Mapped[str] = mapped_column(sa.String(10))
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    row_counts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    file_name: Mapped[str] = mapped_column(sa.String(200), default="")
    size_bytes: Mapped[int | None]
    error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

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
