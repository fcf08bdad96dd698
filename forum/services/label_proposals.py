"""Moderators' proposals for the vocabulary, made from the searches that found nothing.

The data files (forum/vocabulary/data) stay the source of truth and change through review:
a proposal is a note for the reviewer, with the TOML lines they would write. Marking it done
or declined changes nothing in the vocabulary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import aliased

from forum import permissions, vocabulary
from forum.database import write_transaction
from forum.extensions import db
from forum.languages import LANGUAGES
from forum.languages import lazy_gettext as _l
from forum.models import LabelProposal, ProposalStatus, User
from forum.models._time import utcnow
from forum.models.topics import LABEL_MAX, MISS_QUERY_MAX, NOTE_MAX
from forum.services import ServiceError

KINDS = ("alt", "pref", "acronyms")  # where in the concept's language the label would go
LISTED = 200
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Proposed:
    proposal: LabelProposal
    proposer: str  # username
    decider: str
    toml: str  # what a reviewer would add to the data file


def propose(
    moderator: User,
    concept_id: str,
    language: str,
    label: str,
    kind: str = "alt",
    note: str = "",
    query: str = "",
) -> LabelProposal:
    """A label for an existing concept (concept_id), or a note for a new one (no id)."""
    permissions.require(moderator, "review_searches")
    concept_id, label, note = concept_id.strip(), " ".join(label.split()), note.strip()
    if concept_id and concept_id not in vocabulary.load().concepts:
        raise ServiceError(
            _l("There is no concept “%(id)s” in the vocabulary.", id=concept_id[:64]), "concept"
        )
    if language not in LANGUAGES:
        raise ServiceError(_l("Choose a language from the list."), "language")
    if kind not in KINDS:
        raise ServiceError(_l("Choose where the label goes from the list."), "kind")
    if concept_id and not label:
        raise ServiceError(_l("Write the label to add to the concept."), "label")
    if not concept_id and not (label or note):
        raise ServiceError(_l("Say what the new concept is: a label or a note."), "note")
    if len(label) > LABEL_MAX:
        raise ServiceError(_l("Keep the label under %(n)d characters.", n=LABEL_MAX), "label")
    if len(note) > NOTE_MAX:
        raise ServiceError(_l("Keep the note under %(n)d characters.", n=NOTE_MAX), "note")
    if kind == "acronyms" and not vocabulary.is_acronym(label):
        raise ServiceError(_l("An acronym is 2 to 8 letters or digits (and & or -)."), "label")
    with write_transaction() as session:
        proposal = LabelProposal(
            concept_id=concept_id,
            language=language,
            label=label,
            kind=kind,
            note=note,
            query=" ".join(query.split())[:MISS_QUERY_MAX],
            proposed_by_id=moderator.id,
            created_at=utcnow(),
        )
        session.add(proposal)
    return proposal


def listed() -> list[Proposed]:
    """Open proposals first (oldest first), then the decided ones, newest first."""
    proposer, decider = aliased(User), aliased(User)
    rows = db.session.execute(
        select(LabelProposal, proposer.username, decider.username)
        .join(proposer, proposer.id == LabelProposal.proposed_by_id)
        .outerjoin(decider, decider.id == LabelProposal.decided_by_id)
        .order_by(
            case((LabelProposal.status == ProposalStatus.open, 0), else_=1),
            case(
                (LabelProposal.status == ProposalStatus.open, LabelProposal.id),
                else_=-LabelProposal.id,
            ),
        )
        .limit(LISTED)
    )
    return [Proposed(row, by, decided or "", toml_lines(row)) for row, by, decided in rows]


def get(proposal_id: int) -> LabelProposal | None:
    return db.session.get(LabelProposal, proposal_id)


def decide(admin: User, proposal: LabelProposal, status: str) -> None:
    permissions.require(admin, "decide_proposals")
    if status not in (ProposalStatus.done, ProposalStatus.declined, ProposalStatus.open):
        raise ServiceError(_l("Choose done, declined or open."), "status")
    if proposal.status == status:
        return
    with write_transaction():
        proposal.status = ProposalStatus(status)
        opened = proposal.status == ProposalStatus.open
        proposal.decided_by_id = None if opened else admin.id
        proposal.decided_at = None if opened else utcnow()


def toml_lines(proposal: LabelProposal) -> str:
    """The lines a reviewer would write in the data file (forum/vocabulary/data, format in
    the README): the concept's list with the label added, or a new concept's skeleton."""
    concept = vocabulary.load().concepts.get(proposal.concept_id)
    if concept is not None:
        labels = concept.labels.get(proposal.language)
        header = (
            f'# {concept.source}: [[concept]] id = "{concept.id}", [concept.{proposal.language}]'
        )
        if proposal.kind == "pref":
            return f"{header}\npref = {_quoted(proposal.label)}"
        present: Sequence[str] = getattr(labels, proposal.kind, ()) if labels else ()
        values = [*present, proposal.label] if proposal.label not in present else list(present)
        return f"{header}\n{proposal.kind} = [{', '.join(_quoted(v) for v in values)}]"
    slug = _SLUG.sub("-", (proposal.label or proposal.query or "new-concept").lower()).strip("-")
    lines = ["[[concept]]", f'id = "{slug or "new-concept"}"  # a new concept: check the id']
    for code in LANGUAGES:
        pref = proposal.label if code == proposal.language else ""
        lines += [f"[concept.{code}]", f"pref = {_quoted(pref)}", "alt = []", "acronyms = []"]
    if proposal.note:
        lines.insert(0, "# " + " ".join(proposal.note.split())[:200])
    return "\n".join(lines)


def _quoted(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)
