"""Documents built in memory for tests: valid PDFs, DOCX, XLSX and ODT files with a known
text, and hostile ones (JavaScript in a PDF, a page tree that loops, a zip bomb, an XML entity
bomb). No library beyond the standard one: every byte is laid out here."""

from __future__ import annotations

import functools
import io
import zipfile
from xml.sax.saxutils import escape

# --- PDF -------------------------------------------------------------------------------------


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _text_stream(text: str) -> bytes:
    lines = text.splitlines() or [""]
    shown = b" T* ".join(_pdf_string(line) + b" Tj" for line in lines)
    return b"BT /F1 12 Tf 14 TL 72 720 Td " + shown + b" ET"


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF whose object n (from 1) is objects[n - 1], with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def pdf_with_text(text: str, *, extra_catalog: bytes = b"") -> bytes:
    """A one-page PDF showing text (one line per line of text) in Helvetica."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            _FONT,
            _stream(_text_stream(text)),
        ]
    )


def pdf_with_javascript(text: str = "Noise exposure fact sheet") -> bytes:
    """A PDF that runs JavaScript when opened (an OpenAction) and also shows text."""
    action = (
        b"/OpenAction << /S /JavaScript "
        b"/JS (app.alert\\('opened'\\); this.exportDataObject\\(\\)) >> "
    )
    return pdf_with_text(text, extra_catalog=action)


def pdf_with_page_loop() -> bytes:
    """A PDF whose page tree contains itself: a naive reader walks it for ever."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            _FONT,
            _stream(_text_stream("looping page")),
        ]
    )


def pdf_with_many_pages(pages: int, text: str = "page") -> bytes:
    """A PDF of many pages sharing one content stream: small on disk, long to read."""
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        _FONT,
        _stream(_text_stream(text)),
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    )
    return _pdf(objects + [page] * pages)


# --- Office (zip) ----------------------------------------------------------------------------


def _zip(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, members.pop(stored_first), zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


_XML = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS_TYPE = b"application/vnd.openxmlformats-package.relationships+xml"
_OFFICE = b"application/vnd.openxmlformats-officedocument."
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _paragraphs(text: str) -> str:
    return "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
        for line in text.splitlines() or [""]
    )


def _docx(document_xml: bytes) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _XML
            + b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="' + _RELS_TYPE + b'"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/word/document.xml" ContentType="'
            + _OFFICE
            + b'wordprocessingml.document.main+xml"/>'
            b"</Types>",
            "_rels/.rels": _XML
            + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="'
            + _REL.encode()
            + b'/officeDocument" Target="word/document.xml"/>'
            b"</Relationships>",
            "word/document.xml": document_xml,
        }
    )


def docx_with_text(text: str) -> bytes:
    """A Word document with one paragraph per line of text."""
    body = f'<w:document xmlns:w="{_W}"><w:body>{_paragraphs(text)}</w:body></w:document>'
    return _docx(_XML + body.encode())


def xlsx_with_text(text: str, *, inline: str = "") -> bytes:
    """A workbook whose first sheet has text (one shared string per line) in column A, and
    inline (if given) as an inline string in column B."""
    lines = text.splitlines() or [""]
    shared = "".join(f"<si><t>{escape(line)}</t></si>" for line in lines)
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>{n - 1}</v></c></row>' for n in range(1, len(lines) + 1)
    )
    if inline:
        row = len(lines) + 1
        rows += (
            f'<row r="{row}"><c r="B{row}" t="inlineStr"><is><t>{escape(inline)}</t></is></c></row>'
        )
    return _zip(
        {
            "[Content_Types].xml": _XML
            + b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="' + _RELS_TYPE + b'"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" ContentType="'
            + _OFFICE
            + b'spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
            + _OFFICE
            + b'spreadsheetml.worksheet+xml"/>'
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
            + _OFFICE
            + b'spreadsheetml.sharedStrings+xml"/>'
            b"</Types>",
            "_rels/.rels": _XML
            + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="'
            + _REL.encode()
            + b'/officeDocument" Target="xl/workbook.xml"/>'
            b"</Relationships>",
            "xl/workbook.xml": _XML
            + f'<workbook xmlns="{_S}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'.encode(),
            "xl/_rels/workbook.xml.rels": _XML
            + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="'
            + _REL.encode()
            + b'/worksheet" Target="worksheets/sheet1.xml"/>'
            b'<Relationship Id="rId2" Type="'
            + _REL.encode()
            + b'/sharedStrings" Target="sharedStrings.xml"/>'
            b"</Relationships>",
            "xl/worksheets/sheet1.xml": _XML
            + f'<worksheet xmlns="{_S}"><sheetData>{rows}</sheetData></worksheet>'.encode(),
            "xl/sharedStrings.xml": _XML
            + f'<sst xmlns="{_S}" count="{len(lines)}" uniqueCount="{len(lines)}">'.encode()
            + f"{shared}</sst>".encode(),
        }
    )


def odt_with_text(text: str) -> bytes:
    """An OpenDocument text with one paragraph per line of text."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in text.splitlines() or [""])
    content = (
        f'<office:document-content xmlns:office="{office}" xmlns:text="{text_ns}"'
        ' office:version="1.2">'
        f"<office:body><office:text>{paragraphs}</office:text></office:body></office:document-content>"
    )
    manifest = (
        "<manifest:manifest"
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": _XML + content.encode(),
            "META-INF/manifest.xml": _XML + manifest.encode(),
        },
        stored_first="mimetype",
    )


@functools.cache
def docx_zip_bomb(expanded_mb: int = 256) -> bytes:
    """A DOCX of a few hundred kilobytes whose word/document.xml expands to expanded_mb
    megabytes (honestly declared in the zip: a reader that trusts it unpacks it all)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(_XML + f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>'.encode())
            chunk = b"A" * (1 << 20)
            for _ in range(expanded_mb):
                member.write(chunk)
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")
        archive.writestr("[Content_Types].xml", _XML + b"<Types/>")
    return out.getvalue()


def docx_with_entity_bomb() -> bytes:
    """A DOCX whose document.xml defines nested entities (the 'billion laughs')."""
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{"".join(lol)}]>'
        f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    return _docx(xml.encode())
