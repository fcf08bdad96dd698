"""The text of one document, read in a child process that may die: bytes on standard input,
text (UTF-8) on standard output, exit status 1 and a reason on standard error when the file
cannot be read. forum.attachments.extract runs it with a timeout:

    python -I read_text.py KIND MEMORY_MB CPU_SECONDS < file

Run by its path, not as `-m forum.attachments.read_text`: that would import the forum package
(Flask, SQLAlchemy...) into every child for nothing. The limits are set first, before the
document's bytes are read, so a hostile file meets them whatever it does.

PDF: pypdf (it never runs a PDF's JavaScript; it only reads the text operators). DOCX, XLSX
and ODT: their few XML parts read here, through defusedxml, with explicit zip-bomb limits.
"""

from __future__ import annotations

import logging
import resource
import sys
import warnings
import zipfile
from collections.abc import Iterator
from io import BytesIO

MAX_CHARS = 200_000  # of text written out; the parent keeps no more either
# zip members: refused when they declare more than this, or expand more than MAX_RATIO times
# (XML compresses 5-20 times; a bomb, hundreds or a thousand)
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200
RATIO_FROM_BYTES = 1024 * 1024  # a small member may compress well without being a bomb
MAX_READ_BYTES = 128 * 1024 * 1024  # of XML read from all members together
MAX_MEMBERS = 5_000
MAX_SHEETS = 200


class Unreadable(Exception):
    """Not a document we can read, or one that breaks a limit."""


def limit_resources(memory_mb: int, cpu_seconds: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it writes no files
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


# --- PDF --------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> Iterator[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted")
        for page in reader.pages:
            yield page.extract_text() + "\n"
    except PdfReadError as error:
        raise Unreadable(f"pdf: {error}") from error


# --- Office (zip + XML) -----------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


class _Budget:
    """The bytes of XML still allowed to be read, across every member."""

    def __init__(self, total: int) -> None:
        self.left = total

    def open(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> _Counted:
        if info.file_size > MAX_MEMBER_BYTES:
            raise Unreadable(f"{info.filename}: declares {info.file_size} bytes")
        compressed = max(info.compress_size, 1)
        if info.file_size > RATIO_FROM_BYTES and info.file_size / compressed > MAX_RATIO:
            raise Unreadable(f"{info.filename}: expands {info.file_size // compressed} times")
        return _Counted(archive.open(info), self)


class _Counted:
    """A zip member read through the budget: past it, reading stops (whatever the member
    declared: zipfile trusts the declared size, this does not)."""

    def __init__(self, member, budget: _Budget) -> None:  # noqa: ANN001
        self.member, self.budget = member, budget

    def read(self, size: int = -1) -> bytes:
        size = 64 * 1024 if size is None or size < 0 else min(size, 64 * 1024)
        chunk = self.member.read(size)
        self.budget.left -= len(chunk)
        if self.budget.left < 0:
            raise Unreadable("too much text to read")
        return chunk


def _elements(source: _Counted) -> Iterator:
    from defusedxml.ElementTree import iterparse

    # no DTD at all: an Office part never has one, and entities are how XML bombs work
    for _event, element in iterparse(source, events=("end",), forbid_dtd=True):
        yield element


def _paragraphs(source: _Counted, ends: set[str], texts: set[str] | None) -> Iterator[str]:
    """The text of each paragraph-like element (ends) as it closes: its text nodes (texts),
    or all its text when texts is None; then it is dropped, so memory stays flat."""
    pieces: list[str] = []
    for element in _elements(source):
        if texts is not None and element.tag in texts:
            pieces.append(element.text or "")
        elif element.tag in ends:
            if texts is None:
                pieces.append("".join(element.itertext()))
            yield "".join(pieces) + "\n"
            pieces = []
            element.clear()
    if pieces:
        yield "".join(pieces) + "\n"


def office_text(data: bytes) -> Iterator[str]:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise Unreadable(f"zip: {error}") from error
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise Unreadable(f"{len(members)} members")
    by_name = {info.filename: info for info in members}
    budget = _Budget(MAX_READ_BYTES)
    try:
        if "word/document.xml" in by_name:
            source = budget.open(archive, by_name["word/document.xml"])
            yield from _paragraphs(source, {f"{W}p"}, {f"{W}t"})
        elif "xl/workbook.xml" in by_name:
            if "xl/sharedStrings.xml" in by_name:
                source = budget.open(archive, by_name["xl/sharedStrings.xml"])
                yield from _paragraphs(source, {f"{S}si"}, None)
            sheets = sorted(n for n in by_name if n.startswith("xl/worksheets/sheet"))
            for name in sheets[:MAX_SHEETS]:  # inline strings live in the sheets
                yield from _paragraphs(budget.open(archive, by_name[name]), {f"{S}is"}, None)
        elif "content.xml" in by_name:
            source = budget.open(archive, by_name["content.xml"])
            yield from _paragraphs(source, {f"{TEXT_NS}p", f"{TEXT_NS}h"}, None)
        else:
            raise Unreadable("no document part")
    except (zipfile.BadZipFile, EOFError, NotImplementedError) as error:
        raise Unreadable(f"zip: {error}") from error
    except Exception as error:
        if type(error).__module__.startswith(("defusedxml", "xml")):
            raise Unreadable(f"xml: {error}") from error
        raise


READERS = {"pdf": pdf_text, "document": office_text, "spreadsheet": office_text}


def read(kind: str, data: bytes) -> str:
    """The document's text, up to MAX_CHARS."""
    pieces, length = [], 0
    for piece in READERS[kind](data):
        pieces.append(piece)
        length += len(piece)
        if length >= MAX_CHARS:
            break
    return "".join(pieces)[:MAX_CHARS]


def main(argv: list[str]) -> int:
    kind, memory_mb, cpu_seconds = argv[1], int(argv[2]), int(argv[3])
    limit_resources(memory_mb, cpu_seconds)
    # a crafted PDF can make pypdf warn once per broken object: the parent buffers stderr
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    if kind not in READERS:
        sys.stderr.write(f"no reader for {kind}\n")
        return 2
    data = sys.stdin.buffer.read()
    try:
        text = read(kind, data)
    except Unreadable as error:
        sys.stderr.write(f"unreadable: {error}\n"[:500])
        return 1
    sys.stdout.buffer.write(text.encode("utf-8", errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
