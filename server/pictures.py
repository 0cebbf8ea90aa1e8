"""Pictures added to a board: opened, turned upright and re-encoded by Pillow, so that no
metadata of the camera (GPS position, make and model, time taken, thumbnails) is ever stored.

Pure processing, no I/O beyond Pillow's own: the HTTP route runs `clean` in a thread.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024  # what a phone's photo may weigh as uploaded
MAX_SIDE = 2048  # the long side as stored: enough for the projector and a printed record
PER_BOARD = 300  # pictures a board may hold: a script cannot fill the store's disk
MAX_PIXELS = 50_000_000  # decoded, before downsizing: a larger one is a decompression bomb
# what Pillow opens here (HEIC needs a plugin this server does not have)
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class PictureError(ValueError):
    """A picture the server will not store; the message says why and what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Picture:
    data: bytes  # re-encoded: no EXIF, XMP, ICC or text chunks
    width: int
    height: int
    type: str  # image/jpeg, image/png or image/webp


def clean(raw: bytes) -> Picture:
    """The picture in `raw`, upright, at most MAX_SIDE on its long side, with no metadata;
    PictureError when it is too large, not a picture, or of a kind not taken."""
    if len(raw) > MAX_BYTES:
        raise PictureError(
            "too_large", f"The picture may be at most {MAX_BYTES // (1024 * 1024)} MB."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise PictureError("too_large", _too_many_pixels())
            image.seek(0)  # an animated GIF or WebP: its first frame
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureError("too_large", _too_many_pixels()) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        if isinstance(e, PictureError):
            raise
        raise PictureError(
            "unsupported", "This file is not a picture the board takes: use JPEG, PNG, WebP or GIF."
        ) from None
    source = image.format or ""
    upright = ImageOps.exif_transpose(image)  # a phone's portrait photo stays portrait
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return _encode(upright, source)


def _too_many_pixels() -> str:
    return f"The picture has too many pixels; at most {MAX_PIXELS // 1_000_000} million."


def _encode(image: Image.Image, source: str) -> Picture:
    """A new file from the pixels alone: nothing of the original's metadata is copied."""
    out = io.BytesIO()
    if source == "JPEG":
        pixels = image.convert("RGB") if image.mode not in ("RGB", "L") else image
        pixels.save(out, "JPEG", quality=85, optimize=True)
        kind = "JPEG"
    elif source == "WEBP":
        pixels = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
        pixels.save(out, "WEBP", quality=85)
        kind = "WEBP"
    else:  # PNG, and a GIF's first frame
        pixels = image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")
        pixels.save(out, "PNG", optimize=True)
        kind = "PNG"
    return Picture(out.getvalue(), pixels.width, pixels.height, TYPES[kind])
