"""Catalogue courses (`lernspur catalogue load`, format of `examples/catalogue.yaml`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, JSONType, UTCDateTime


class CatalogueCourse(Base):
    """One course. Installation-wide: every organisation can deep-link it."""

    __tablename__ = "catalogue_courses"

    pk: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    activity_iri: Mapped[str] = mapped_column(Text, unique=True)
    # Language map, e.g. {"de": "E-Akte in der Praxis", "en": "Electronic records in practice"}
    title: Mapped[dict[str, str]] = mapped_column(JSONType)
    description: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    # Where the content lives when it reports xAPI itself (cmi5-style launch); else None.
    launch_url: Mapped[str | None] = mapped_column(Text)
    framework_slug: Mapped[str | None] = mapped_column(String(100))
    # Competency codes (CASE humanCodingScheme / Moodle ID number) a completion evidences.
    competencies: Mapped[list[str]] = mapped_column(JSONType)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title.get("de") or next(iter(self.title.values()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.slug,
            "activity": self.activity_iri,
            "title": self.title,
            "description": self.description,
            "hours": float(self.hours) if self.hours is not None else None,
            "launch_url": self.launch_url,
            "framework": self.framework_slug,
            "competencies": list(self.competencies),
        }
