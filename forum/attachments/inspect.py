"""What a file is, decided by its content (never its name or the browser's claim), and
whether it is one we keep: PDF, PNG, JPEG, WebP, DOCX, XLSX, ODT.

Office files are ZIP archives: their members are checked before anything reads them (how
many, how large once expanded, how much they expand), so a zip bomb is refused here.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

import filetype

from forum.languages import lazy_gettext as _l
from forum.models import FileKind


@dataclass(frozen=True)
class Accepted:
    media_type: str
    kind: FileKind
    extension: str  # the type's own, given to a name that lacks it


class Refused(Exception):
    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


ACCEPTED = {
    "application/pdf": Accepted("application/pdf", FileKind.pdf, "pdf"),
    "image/png": Accepted("image/png", FileKind.image, "png"),
    "image/jpeg": Accepted("image/jpeg", FileKind.image, "jpg"),
    "image/webp": Accepted("image/webp", FileKind.image, "webp"),
}
DOCX = Accepted(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.document,
    "docx",
)
XLSX = Accepted(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.spreadsheet,
    "xlsx",
)
ODT = Accepted("application/vnd.oasis.opendocument.text", FileKind.document, "odt")

# office archives: generous for real documents, far below what a bomb expands to
ZIP_MEMBERS_MAX = 5_000
ZIP_EXPANDED_MAX = 200 * 1024 * 1024
ZIP_RATIO_MAX = 200  # a member may expand 200-fold (XML compresses well; bombs far more)

# PDF features that run or launch something; the file is refused rather than trusted to
# a viewer. Names may hide behind #xx escapes (/J#61vaScript), undone before looking.
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA|SubmitForm)\b")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")

NOT_ACCEPTED = _l(
    "%(name)s is not a file we accept: attach PDF, PNG, JPEG or WebP images, or Word (DOCX), "
    "Excel (XLSX) or OpenDocument (ODT) documents."
)


def accepted(data: bytes, name: str) -> Accepted:
    """The file's type, or Refused with a sentence naming the file."""
    media_type = filetype.guess_mime(data)
    if media_type in ACCEPTED:
        found = ACCEPTED[media_type]
    elif media_type in (DOCX.media_type, XLSX.media_type, ODT.media_type, "application/zip"):
        found = _office_document(data, name)
    else:
        raise Refused(_l(NOT_ACCEPTED, name=name))
    if found.kind == FileKind.pdf:
        _check_pdf(data, name)
    return found


def _office_document(data: bytes, name: str) -> Accepted:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Refused(_l("%(name)s is damaged: it could not be opened.", name=name)) from None
    _check_expansion(members, name)
    names = {member.filename for member in members}
    if "word/document.xml" in names and "[Content_Types].xml" in names:
        return DOCX
    if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
        return XLSX
    if (
        "mimetype" in names
        and "content.xml" in names
        and _head(archive, "mimetype", name) == (ODT.media_type.encode())
    ):
        return ODT
    raise Refused(_l(NOT_ACCEPTED, name=name))


def _head(archive: zipfile.ZipFile, member: str, name: str) -> bytes:
    """The first bytes of a member: a damaged, encrypted or oddly compressed one is refused."""
    try:
        with archive.open(member) as opened:
            return opened.read(100).strip()
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, zlib.error):
        raise Refused(_l("%(name)s is damaged: it could not be opened.", name=name)) from None


def _check_expansion(members: list[zipfile.ZipInfo], name: str) -> None:
    too_large = _l("%(name)s expands to far more than a document should: it is refused.", name=name)
    if len(members) > ZIP_MEMBERS_MAX:
        raise Refused(too_large)
    expanded = 0
    for member in members:
        expanded += member.file_size
        if expanded > ZIP_EXPANDED_MAX:
            raise Refused(too_large)
        if member.file_size > 1024 * 1024 and member.file_size > ZIP_RATIO_MAX * max(
            member.compress_size, 1
        ):
            raise Refused(too_large)


def _check_pdf(data: bytes, name: str) -> None:
    plain = _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), data)
    if _PDF_ACTIVE.search(plain):
        raise Refused(
            _l(
                "%(name)s contains scripts, embedded files or actions; save it again as a plain "
                "PDF (for example with “Print to PDF”) and attach that.",
                name=name,
            )
        )


NAME_MAX = 120


def clean_name(given: str, extension: str | None = None) -> str:
    """A name fit to show and to offer on download: no folders, no control or format
    characters (a right-to-left override would disguise its type), not too long, and, given
    the type's extension, ending with it ("report.html" typed as a PDF is "report.html.pdf")."""
    base = re.split(r"[/\\]", given or "")[-1]
    kept = []
    for char in unicodedata.normalize("NFC", base):
        category = unicodedata.category(char)
        if category[0] == "C":
            continue
        kept.append(" " if category[0] == "Z" else char)
    base = " ".join("".join(kept).split()).strip(" .")
    if extension is None:
        return base[:NAME_MAX].rstrip(" .") or "attachment"
    stem = base
    for own in {extension, "jpeg" if extension == "jpg" else extension}:
        if base.lower().endswith(f".{own}"):
            stem = base[: -len(own) - 1]
    stem = stem[: NAME_MAX - len(extension) - 1].rstrip(" .") or "attachment"
    return f"{stem}.{extension}"
