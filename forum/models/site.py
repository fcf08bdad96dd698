"""What belongs to the whole site rather than to one aggregate."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db


class ContentVersion(db.Model):
    """Numbers that rise with the commits that change what pages show (forum.page_cache):
    row 1 the whole site, row 2 the thread lists. A kept page is served only while the
    numbers it was made under are still current."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, default=0)
