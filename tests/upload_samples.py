"""Files for the upload tests, made in memory: real images (one with its GPS position),
a small PDF, and the hostile ones a forum must refuse or serve inertly; and post_files(),
which sends them as a browser's form does."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

from tests.conftest import Person

GPS_IFD = 0x8825  # EXIF's GPSInfo
NOUAKCHOTT = {1: "N", 2: (18.0, 5.0, 0.0), 3: "W", 4: (15.0, 58.0, 0.0)}


def photo_with_gps(size: tuple[int, int] = (1200, 800)) -> bytes:
    """A JPEG a phone would take: EXIF with where it was taken, and the camera."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[GPS_IFD] = NOUAKCHOTT
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def image_bytes(format_name: str, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format=format_name)
    return out.getvalue()


def small_pdf(text: str = "Confined space entry permit") -> bytes:
    """A one-page PDF whose page says text (written by hand: the offsets are counted)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def pdf_with_javascript(hidden: bool = False) -> bytes:
    """A PDF that runs a script when opened; hidden: its name written as /J#61vaScript."""
    name = b"/J#61vaScript" if hidden else b"/JavaScript"
    return small_pdf().replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S " + name + b" /JS (app.alert(1)) >> >>",
    )


HTML_PAGE = (
    b"<!doctype html><html><body><script>document.title='pwned';alert(1)</script></body></html>"
)
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


def polyglot_jpeg_html() -> bytes:
    """A real JPEG with an HTML page after its end: some sniffers call it a page."""
    return image_bytes("JPEG") + HTML_PAGE


def docx(text: str = "Lockout procedure") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return out.getvalue()


def docx_zip_bomb() -> bytes:
    """A DOCX of some hundred kilobytes whose document expands to 64 MB of nothing."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", b"\0" * (64 * 1024 * 1024))
    return out.getvalue()


def post_files(person: Person, url: str, files: list[tuple[bytes, str]], **fields: str):
    data = {**fields, "files": [(io.BytesIO(content), name) for content, name in files]}
    response = person.post(url, data, content_type="multipart/form-data")
    # the test client spools a large body to a temporary file and leaves it open
    response.request.environ["wsgi.input"].close()
    return response
