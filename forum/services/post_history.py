"""An edited post's history as readers see it: each edit, when and by whom, as a diff of the
Markdown source. The text from before a moderator's edit (a redaction) is shown only to the
network's moderators: for everyone else the history starts after the last such edit."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from forum import permissions
from forum.extensions import db
from forum.models import Post, PostRevision, User

CONTEXT = 2  # unchanged lines kept around each change
_WORDS = re.compile(r"(\s+)")

# built once: every history page reads it (the editor's name with each revision)
_REVISIONS = (
    select(PostRevision, User.username)
    .join(User, User.id == PostRevision.editor_id)
    .where(PostRevision.post_id == bindparam("post_id"))
    .order_by(PostRevision.id)
)


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: "same", "del", "ins", "changed" (words marked within) or "gap"
    (unchanged lines left out). segments: (kind, text), kind "same", "del" or "ins"."""

    kind: str
    segments: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Edit:
    at: datetime
    editor: str
    by_moderator: bool  # not the author: a moderator's edit
    title_before: str | None  # the opening post's title, when the edit changed it
    title_after: str | None
    lines: tuple[DiffLine, ...]


@dataclass(frozen=True)
class PostHistory:
    post: Post
    edits: list[Edit]  # newest first
    redacted_at: datetime | None  # a moderator's edit whose earlier text this reader may not see


def post_history(reader: Any, post: Post) -> PostHistory:
    """The post's edits as `reader` may see them; refused (permissions "read_history") by a
    Denied the caller turns into a page."""
    permissions.require(reader, "read_history", post)
    rows = db.session.execute(_REVISIONS, {"post_id": post.id}).all()
    revisions: list[tuple[PostRevision, str]] = [(revision, name) for revision, name in rows]
    edits = _edits(post, revisions)
    redacted_at = None
    if not permissions.may("read_redacted", post, user=reader):
        last = max((i for i, edit in enumerate(edits) if edit.by_moderator), default=None)
        if last is not None:
            redacted_at = edits[last].at
            edits = edits[last + 1 :]
    return PostHistory(post=post, edits=list(reversed(edits)), redacted_at=redacted_at)


def _edits(post: Post, revisions: Sequence[tuple[PostRevision, str]]) -> list[Edit]:
    """Revision k holds the text before edit k; the text after it is the next revision's, or
    the post's own for the last."""
    edits = []
    for index, (revision, editor) in enumerate(revisions):
        following = revisions[index + 1][0] if index + 1 < len(revisions) else None
        body_after = following.body_source if following else post.body_source
        title_after = (following.title if following else post.thread.title) or None
        changed_title = revision.title is not None and revision.title != title_after
        edits.append(
            Edit(
                at=revision.created_at,
                editor=editor,
                by_moderator=revision.editor_id != post.author_id,
                title_before=revision.title if changed_title else None,
                title_after=title_after if changed_title else None,
                lines=tuple(diff_lines(revision.body_source, body_after)),
            )
        )
    return edits


# Lines (or words) of two versions aligned at most: difflib's work grows with the product of
# their counts, and a 50,000-character post of repeated lines would take minutes per request.
# Past it the change shows as the old text removed and the new added.
ALIGN_AT_MOST = 250_000


def diff_lines(before: str, after: str) -> list[DiffLine]:
    """Line by line; a line replaced by one line has its changed words marked. Unchanged
    stretches keep CONTEXT lines either side of a change."""
    old, new = before.splitlines(), after.splitlines()
    if len(old) * len(new) > ALIGN_AT_MOST:  # aligning costs their product, at worst
        return [
            *(DiffLine("del", (("del", line),)) for line in old),
            *(DiffLine("ins", (("ins", line),)) for line in new),
        ]
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    groups = list(matcher.get_grouped_opcodes(CONTEXT))
    lines: list[DiffLine] = []
    for number, group in enumerate(groups):
        if number or group[0][1] > 0:
            lines.append(DiffLine("gap", ()))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(DiffLine("same", (("same", line),)) for line in old[i1:i2])
            elif tag == "replace" and i2 - i1 == j2 - j1:
                lines.extend(_changed(a, b) for a, b in zip(old[i1:i2], new[j1:j2], strict=True))
            else:
                lines.extend(DiffLine("del", (("del", line),)) for line in old[i1:i2])
                lines.extend(DiffLine("ins", (("ins", line),)) for line in new[j1:j2])
    if groups and groups[-1][-1][2] < len(old):
        lines.append(DiffLine("gap", ()))
    return lines


def _changed(before: str, after: str) -> DiffLine:
    old, new = _WORDS.split(before), _WORDS.split(after)
    if len(old) * len(new) > ALIGN_AT_MOST:
        return DiffLine("changed", (("del", before), ("ins", after)))
    segments: list[tuple[str, str]] = []
    # spaces alone never tie two changes together: "Call me on" / "(phone number removed)"
    # reads as one removal and one addition, not as interleaved words
    matcher = difflib.SequenceMatcher(str.isspace, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("del", "".join(old[i1:i2])))
        if j2 > j1:
            segments.append(("ins", "".join(new[j1:j2])))
    return DiffLine("changed", tuple(segments))
