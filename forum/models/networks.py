from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.languages import translated


class Theme(db.Model):
    """An OSH theme shared by every network; also the expertise tags on profiles."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    # Names and descriptions are stored in English; the seed's are in the catalogues, so
    # pages show them in the reader's language (anything else shows as written).
    @property
    def display_name(self) -> str:
        return translated(self.name)

    @property
    def display_description(self) -> str:
        return translated(self.description) if self.description else ""

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


class Network(db.Model):
    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    short_name: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    boards: Mapped[list[Board]] = relationship(
        back_populates="network", order_by="Board.position", lazy="raise"
    )

    @property
    def display_name(self) -> str:
        return translated(self.name)

    @property
    def display_short_name(self) -> str:
        return translated(self.short_name)

    @property
    def display_description(self) -> str:
        return translated(self.description) if self.description else ""

    def __repr__(self) -> str:
        return f"<Network {self.slug}>"


class Board(db.Model):
    """One theme inside one network, addressed as /n/<network>/<theme>."""

    __tablename__ = "boards"
    __table_args__ = (UniqueConstraint("network_id", "theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), index=True)
    # empty: the board is called after its theme
    custom_name: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    is_archived: Mapped[bool] = mapped_column(default=False)
    # raised with every change to what its pages show (forum.page_cache)
    page_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    network: Mapped[Network] = relationship(back_populates="boards", lazy="joined")
    theme: Mapped[Theme] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        """As shown to readers: a moderator's own name as written, else the theme's."""
        return self.custom_name or self.theme.display_name

    @property
    def display_description(self) -> str:
        return self.description or self.theme.display_description

    def __repr__(self) -> str:
        return f"<Board {self.network_id}/{self.theme_id}>"
