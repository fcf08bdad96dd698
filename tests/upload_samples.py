"""Files for the upload tests, made in memory: real images (one with its GPS position), the
hostile ones a forum must refuse or serve inertly; and post_files(),
which sends them as a browser's form does. Documents come from tests/document_samples.py."""

from __future__ import annotations

import io

from PIL import Image

from tests import document_samples
from tests.conftest import Person
from tests.document_samples import pdf_with_javascript, pdf_with_text


def docx(text: str = "Lockout procedure") -> bytes:
    return document_samples.docx_with_text(text)


def small_pdf(text: str = "Confined space entry permit") -> bytes:
    return pdf_with_text(text)


def pdf_with_hidden_javascript() -> bytes:
    """Its action's name written /J#61vaScript, as a filter that reads names literally misses."""
    return pdf_with_javascript().replace(b"/S /JavaScript", b"/S /J#61vaScript")


def docx_zip_bomb() -> bytes:
    """A small DOCX that expands to 64 MB (enough to be refused; quicker to build than 256)."""
    return document_samples.docx_zip_bomb(64)


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


def post_files(person: Person, url: str, files: list[tuple[bytes, str]], **fields: str):
    data = {**fields, "files": [(io.BytesIO(content), name) for content, name in files]}
    response = person.post(url, data, content_type="multipart/form-data")
    # the test client spools a large body to a temporary file and leaves it open
    response.request.environ["wsgi.input"].close()
    return response


def damaged_odt() -> bytes:
    """An ODT whose mimetype member no longer matches its checksum."""
    good = document_samples.odt_with_text("Minutes of the safety committee")
    return good.replace(b"opendocument.text", b"opendocument.tExt", 1)
