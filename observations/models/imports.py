"""PLDP files a research lead imported from the web page, and what became of them."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JobRow


class ImportJob(JobRow, db.Model):
    """One import of an uploaded PLDP table: its file, progress, outcome and report.

    The uploaded bytes live in the row (every instance and queue worker reads them without a
    shared disk) until the import is done or failed; then only the report is kept.
    `settings` holds the import's options (room for a kind, an encoding, a dry run).
    """

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    file_name: Mapped[str] = mapped_column(sa.String(200), default="")
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    locations_name: Mapped[str] = mapped_column(sa.String(200), default="")
    locations: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    rows: Mapped[int] = mapped_column(default=0)
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    report: Mapped[list] = mapped_column(sa.JSON, default=list)

    user: Mapped["User"] = relationship()  # noqa: F821
