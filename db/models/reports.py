"""Closed reporting periods: the figures on requests for a period, stored when the period is closed so that they no
longer change, with the SHA-256 of their canonical JSON and who closed them."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, intpk


class ReportPeriod(Base):
    __tablename__ = "report_periods"
    __table_args__ = (Index("ix_report_periods_span", "period_from", "period_to"),)

    id: Mapped[intpk]
    period_from: Mapped[date]
    period_to: Mapped[date]
    closed_at: Mapped[datetime]
    closed_by: Mapped[str] = mapped_column(String(64))
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
