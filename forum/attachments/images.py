"""Images are decoded and written anew with Pillow: what is kept is pixels only. Metadata
(EXIF with its GPS position, XMP, comments) is left behind, and bytes appended to or hidden in
the file (a JPEG that is also an HTML page) do not survive the new encoding."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

from forum.attachments.inspect import Refused
from forum.languages import lazy_gettext as _l

PIXELS_MAX = 40_000_000  # a 40-megapixel photo; larger is a decompression bomb to Pillow
THUMBNAIL = (480, 480)
FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}


@dataclass(frozen=True)
class Reencoded:
    data: bytes
    width: int
    height: int
    thumbnail: bytes | None  # None when the image is already small


def reencode(data: bytes, media_type: str, name: str) -> Reencoded:
    unreadable = _l("%(name)s could not be read as an image.", name=name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[FORMATS[media_type]]) as opened:
                if opened.width * opened.height > PIXELS_MAX:
                    raise Refused(
                        _l("%(name)s has too many pixels: attach a smaller image.", name=name)
                    )
                opened.seek(0)  # an animation keeps its first frame
                image = ImageOps.exif_transpose(opened)  # turned as the camera meant
                image.load()
    except Refused:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
        raise Refused(unreadable) from None
    image = _plain_mode(image, media_type)
    data = _encoded(image, FORMATS[media_type])
    thumbnail = None
    if image.width > THUMBNAIL[0] or image.height > THUMBNAIL[1]:
        small = image.copy()
        small.thumbnail(THUMBNAIL)
        thumbnail = _encoded(_plain_mode(small, "image/webp"), "WEBP")
    return Reencoded(data, image.width, image.height, thumbnail)


def _plain_mode(image: Image.Image, media_type: str) -> Image.Image:
    if media_type == "image/jpeg":
        return image.convert("RGB")
    return image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")


def _encoded(image: Image.Image, format_name: str) -> bytes:
    out = io.BytesIO()
    # no exif=, no icc_profile=, no pnginfo=: Pillow writes none of the source's metadata
    options = {"JPEG": {"quality": 88, "optimize": True}, "WEBP": {"quality": 85}}
    image.save(out, format=format_name, **options.get(format_name, {"optimize": True}))
    return out.getvalue()
