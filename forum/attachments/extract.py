"""The text of attached documents, for search: read after the upload, off the request.

Upload stores a PDF, DOCX, XLSX or ODT with text_state pending. extract_pending() reads each
pending file in a child process (forum/attachments/read_text.py) held to a memory, CPU and
wall-clock limit, so a zip bomb, a looping PDF or a reader's bug costs that child and never
the server; then stores the text (or `failed`) and has every post attaching the file indexed
again. A failed file stays attached, found by its name. In a server the extractor thread
runs it every EXTRACT_EVERY seconds and at once when an upload wakes it (extract_soon).
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import insert, literal, select, update

from forum.attachments import storage
from forum.database import after_commit, run_every, write_transaction
from forum.extensions import db
from forum.models import Attachment, Post, SearchOutbox, StoredFile
from forum.models._time import utcnow
from forum.models.attachments import FileKind, TextState

logger = logging.getLogger(__name__)

READER = Path(__file__).with_name("read_text.py")
MAX_TEXT_CHARS = 200_000  # kept per file: a fact sheet's words, not a book's
MEMORY_MB = 512  # the child's address space
EXTRACT_EVERY = 30.0  # seconds between the server's passes (an upload wakes it at once)
READABLE = (FileKind.pdf, FileKind.document, FileKind.spreadsheet)

_SPACES = re.compile(r"[^\S\n]+")
_BREAKS = re.compile(r"\s*\n\s*")
_one_pass = threading.Lock()  # one extraction at a time per process
_wake = threading.Event()  # wakes the server's extractor thread
_extractor: threading.Thread | None = None


def extract_pending(limit: int = 20) -> int:
    """Read the text of up to `limit` pending files; returns how many were settled (done or
    failed). Another pass already under way in this process: returns 0 at once."""
    if not _one_pass.acquire(blocking=False):
        return 0
    try:
        pending = db.session.execute(
            select(StoredFile.sha256, StoredFile.kind)
            .where(StoredFile.text_state == TextState.pending)
            .order_by(StoredFile.created_at)
            .limit(limit)
        ).all()
        db.session.commit()  # no read transaction held while the children work
        for sha256, kind in pending:
            _settle(sha256, _text_of(sha256, FileKind(kind)))
        return len(pending)
    finally:
        _one_pass.release()


def extract_soon() -> None:
    """After an upload's commit: wake the server's extractor thread; without one (commands,
    tests) extract here and now."""
    running = _extractor is not None and _extractor.is_alive()
    if running and not _extractor.stopping.is_set():  # type: ignore[union-attr]
        _wake.set()
    else:
        extract_pending()


def read_text(kind: FileKind, data: bytes, timeout: float) -> str | None:
    """A document's text, normalised and capped; None when it cannot be read in time."""
    if kind not in READABLE:
        return None
    command = [sys.executable, "-I", str(READER), str(kind), str(MEMORY_MB), str(int(timeout) + 1)]
    try:
        # our own interpreter and script, no shell: the file only ever reaches its stdin
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout)  # noqa: S603
    except subprocess.TimeoutExpired:  # the child is killed
        logger.info("text extraction timed out after %ss", timeout)
        return None
    if done.returncode != 0:
        logger.info(
            "text extraction failed (%s): %s",
            done.returncode,
            done.stderr[-300:].decode(errors="replace").strip(),
        )
        return None
    return normalised(done.stdout[: MAX_TEXT_CHARS * 4].decode("utf-8", errors="replace"))


def normalised(text: str) -> str:
    """One space between words, one line break between paragraphs, no control characters
    (they would pass for the index's own marks), at most MAX_TEXT_CHARS."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        " " if unicodedata.category(char) == "Cc" and char != "\n" else char for char in text
    )
    text = _BREAKS.sub("\n", _SPACES.sub(" ", text)).strip()
    return text[:MAX_TEXT_CHARS]


def _text_of(sha256: str, kind: FileKind) -> str | None:
    data = storage.current().get(sha256)
    if data is None:
        logger.warning("stored file %s has no bytes; found by its name only", sha256)
        return None
    return read_text(kind, data, current_app.config["EXTRACT_TIMEOUT"])


def _settle(sha256: str, text: str | None) -> None:
    """Keep the outcome and write down every post attaching the file for the indexer."""
    with write_transaction() as session:
        settled = session.execute(
            update(StoredFile)
            .where(StoredFile.sha256 == sha256, StoredFile.text_state == TextState.pending)
            .values(
                text=text or "", text_state=TextState.done if text is not None else TextState.failed
            )
        )
        if not settled.rowcount:
            return  # another process settled it meanwhile
        posts = (
            select(Post.thread_id, Post.id, literal(utcnow()))
            .join(Attachment, Attachment.post_id == Post.id)
            .where(Attachment.file_sha256 == sha256, Attachment.removed_at.is_(None))
            .distinct()
        )
        session.execute(
            insert(SearchOutbox).from_select(
                [SearchOutbox.thread_id, SearchOutbox.post_id, SearchOutbox.created_at], posts
            )
        )
        from forum.search import outbox

        after_commit(outbox.drain_committed)


def start_background_extractor(app: Flask) -> threading.Thread:
    """A server process's extractor: files left pending (a crash, a restart) are read within
    EXTRACT_EVERY seconds, a new upload's at once."""
    global _extractor
    _extractor = run_every(app, lambda: EXTRACT_EVERY, "text-extractor", _extract_all, wake=_wake)
    return _extractor


def _extract_all() -> None:
    while extract_pending() > 0:
        pass
