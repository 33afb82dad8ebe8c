"""Thumbnails of photos, made with Pillow: a JPEG of at most SIZE pixels a side, turned as the photo's EXIF says.

Pillow is asked to open only the photo formats Jarchy takes, and a photo of more than MAX_PIXELS pixels gets no
thumbnail: decoding it would take gigabytes (a "decompression bomb", a small file that unpacks to a huge image).
Pillow's own guard (Image.MAX_IMAGE_PIXELS) is left as it is; this check comes first and refuses sooner. HEIC
photos are taken but get no thumbnail (Pillow reads no HEIC without a plugin)."""

from __future__ import annotations

import io
import warnings
from typing import BinaryIO

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

SIZE = (480, 480)
MAX_PIXELS = 60_000_000  # a 60-megapixel photo: more than any press camera takes
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF")
CONTENT_TYPE = "image/jpeg"


def make(stream: BinaryIO) -> bytes | None:
    """The thumbnail of the photo `stream` holds, or None when there can be none (not a photo Pillow reads, too
    many pixels, damaged)."""
    # WeasyPrint (the office report's PDF) sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported; a
    # damaged upload must get no thumbnail rather than a half-grey one, so the switch is set back for each.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream, formats=FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return None
                image.draft("RGB", SIZE)  # a JPEG decodes at a fraction of its size: less memory, less time
                shown = ImageOps.exif_transpose(image)
                shown.thumbnail(SIZE)
                if shown.mode not in ("RGB", "L"):
                    shown = shown.convert("RGB")
                out = io.BytesIO()
                shown.save(out, "JPEG", quality=82, optimize=True)
                return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            ValueError, SyntaxError, EOFError):
        return None
