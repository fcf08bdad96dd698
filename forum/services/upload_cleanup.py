"""`forum clean-uploads`: what the storage keeps that no post uses any more.

A file's bytes are kept before the post that attaches it is written (forum.attachments.storage),
so an upload whose post failed leaves bytes, and perhaps a StoredFile row, that nothing names.
Only what is older than a grace period goes: an upload being posted right now is younger.

    stray bytes      a key with no StoredFile row (its age from the storage: a folder's file
                     times; the database keeps none, so there they are listed and kept)
    unused files     a StoredFile row no attachment names, with its bytes and thumbnail
    removed content  the bytes of a file whose every attachment a moderator removed (done
                     after each removal; this finishes one that failed), the row kept while
                     those attachments name it
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, exists, func, select

from forum.attachments import storage
from forum.attachments.storage import FolderStorage, Storage
from forum.database import write_transaction
from forum.extensions import db
from forum.models import Attachment, StoredFile
from forum.models._time import utcnow
from forum.services.attachment_moderation import lock_file, still_used


@dataclass
class Cleanup:
    stray_bytes: list[str] = field(default_factory=list)
    unused_files: list[str] = field(default_factory=list)
    removed_content: list[str] = field(default_factory=list)
    age_unknown: list[str] = field(default_factory=list)  # stray, but kept


def clean_uploads(older_than: timedelta, *, dry_run: bool = False) -> Cleanup:
    cutoff = utcnow() - older_than
    files = storage.current()
    keys = files.keys()
    found = Cleanup()
    rows = set(db.session.scalars(select(StoredFile.sha256)))
    for key in sorted(keys):
        if key[:64] in rows:
            continue
        modified = _modified(files, key)
        if modified is None:
            found.age_unknown.append(key)
        elif modified < cutoff:
            found.stray_bytes.append(key)
    unused = ~exists().where(Attachment.file_sha256 == StoredFile.sha256)
    old_and_unused = (StoredFile.created_at < cutoff, unused)
    found.removed_content = [
        sha
        for sha in _all_removed_before(cutoff)
        if sha in keys or storage.thumbnail_key(sha) in keys
    ]
    if dry_run:
        found.unused_files = list(
            db.session.scalars(select(StoredFile.sha256).where(*old_and_unused))
        )
        return found
    with write_transaction() as session:
        # asked again as they go, and the bytes deleted before the commit: a post taking a
        # file up meanwhile waits on its row, then keeps its bytes again (attachments.attach)
        found.unused_files = sorted(
            session.scalars(delete(StoredFile).where(*old_and_unused).returning(StoredFile.sha256))
        )
        still_removed = []
        for sha in found.removed_content:
            lock_file(session, sha)
            if not still_used(session, sha):
                still_removed.append(sha)
        found.removed_content = still_removed
        for sha in found.unused_files + found.removed_content:
            files.delete(sha)
            files.delete(storage.thumbnail_key(sha))
    for key in found.stray_bytes:
        # kept again since it was listed (an upload of the same content touches it): left
        modified = _modified(files, key)
        if modified is not None and modified < cutoff:
            files.delete(key)
    return found


def _all_removed_before(cutoff: datetime) -> list[str]:
    """Files every attachment of which was removed, the last removal before the cutoff."""
    return list(
        db.session.scalars(
            select(Attachment.file_sha256)
            .group_by(Attachment.file_sha256)
            .having(
                func.count(Attachment.id) == func.count(Attachment.removed_at),
                func.max(Attachment.removed_at) < cutoff,
            )
        )
    )


def _modified(files: Storage, key: str) -> datetime | None:
    """When the key was written, where the storage can tell (as naive UTC, like the rows)."""
    if not isinstance(files, FolderStorage):
        return None
    try:
        seconds = files._path(key).stat().st_mtime  # noqa: SLF001 (the folder's own layout)
    except FileNotFoundError:
        return None
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


@click.command("clean-uploads")
@click.option(
    "--older-than",
    "hours",
    default=24.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Only what is older than this many hours: an upload being posted now is kept.",
)
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@with_appcontext
def command(hours: float, dry_run: bool) -> None:
    """Remove stored files no post uses: bytes with no file row, file rows no attachment
    names, and the content of files whose every attachment a moderator removed."""
    found = clean_uploads(timedelta(hours=hours), dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    for title, keys in (
        ("stray bytes (no file row)", found.stray_bytes),
        ("unused files (no attachment)", found.unused_files),
        ("content of removed attachments", found.removed_content),
    ):
        click.echo(f"{title}: {verb} {len(keys)}")
        for key in keys:
            click.echo(f"  {key}")
    if found.age_unknown:
        click.echo(
            f"kept {len(found.age_unknown)} stray keys whose age the storage cannot tell "
            "(FORUM_UPLOADS=database keeps no times)"
        )
