"""What belongs to the whole site rather than to one aggregate."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db


class ContentVersion(db.Model):
    """One row whose number rises with every commit that changes what visitors can see: a
    cached page is served only while the number it was made under is still current."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, default=0)
