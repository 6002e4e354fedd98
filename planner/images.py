"""Post images: what is accepted, and what is kept.

Only JPEG, PNG, WebP and GIF, decided by the file's content (Pillow reads it), never by its
name. Every upload is re-encoded: camera metadata (EXIF: GPS position, device, time) and
comments are not copied, so none of it is stored or served; the pixels are turned upright
first, since the orientation lived in that metadata. The stored name gets the real format's
extension, and the file is served with the real format's type.
"""

import io
from pathlib import PurePath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

FORMATS = {  # Pillow's format name -> (extension, content type)
    "JPEG": (".jpg", "image/jpeg"),
    "PNG": (".png", "image/png"),
    "GIF": (".gif", "image/gif"),
    "WEBP": (".webp", "image/webp"),
}
JPEG_QUALITY = 90


def reencode(source, image_format, name):
    """A ContentFile of `source` (a file Pillow can open) re-encoded without its metadata."""
    source.seek(0)
    with Image.open(source) as image:
        animated = getattr(image, "n_frames", 1) > 1
        out = io.BytesIO()
        if animated:  # GIF or WebP animation: every frame, its timing and looping
            options = {"save_all": True, "loop": image.info.get("loop", 0)}
            if "duration" in image.info:
                options["duration"] = image.info["duration"]
            image.save(out, format=image_format, **options)
        else:
            upright = ImageOps.exif_transpose(image)
            options = {}
            if image_format == "JPEG":
                upright = upright.convert("RGB") if upright.mode not in ("RGB", "L") else upright
                options = {"quality": JPEG_QUALITY, "optimize": True}
            if "icc_profile" in image.info and image_format != "GIF":
                options["icc_profile"] = image.info["icc_profile"]  # colours, not personal data
            upright.save(out, format=image_format, **options)
    extension = FORMATS[image_format][0]
    stem = PurePath(name).stem[:80] or "image"
    return ContentFile(out.getvalue(), name=f"{stem}{extension}")


def content_type(file):
    """The type to serve a stored image with, read from its content; None if it is not one."""
    try:
        with Image.open(file) as image:
            found = FORMATS.get(image.format)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return found[1] if found else None
