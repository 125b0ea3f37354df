"""Turning what a therapist gives us into what we publish: their statement and their photo."""

from __future__ import annotations

import io
import uuid
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from markdown_it import MarkdownIt
from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["MAX_PHOTO_BYTES", "PHOTO_MAX_SIZE", "clean_photo", "render_statement"]

# Raw HTML in the Markdown is not passed through; nh3 then keeps only these tags, so nothing
# a therapist writes can add scripts, styles or frames to a public page.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
_ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a", "h3", "h4"}
_ALLOWED_ATTRIBUTES = {"a": {"href"}}

PHOTO_MAX_SIZE = (800, 800)
MAX_PHOTO_BYTES = 8 * 1024 * 1024
Image.MAX_IMAGE_PIXELS = 40_000_000  # refuses decompression bombs long before memory runs out


def render_statement(markdown: str) -> str:
    """Markdown to safe HTML: links open as plain links with ``rel="nofollow noopener"``."""
    html = _markdown.render(markdown)
    # Headings inside a profile sit under the page's own h2s.
    for level, replacement in (("h1", "h3"), ("h2", "h3"), ("h5", "h4"), ("h6", "h4")):
        html = html.replace(f"<{level}>", f"<{replacement}>").replace(
            f"</{level}>", f"</{replacement}>"
        )
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


def clean_photo(upload: Any) -> ContentFile[bytes]:
    """Check an uploaded image and re-encode it: upright, at most 800 x 800, JPEG, no metadata.

    Re-encoding from pixels drops EXIF (GPS position, camera serial), XMP and ICC data, and
    anything hidden after the image data.

    Raises:
        ValidationError: the file is too big or is not an image Pillow can read.
    """
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError("That photo is larger than 8 MB. Please choose a smaller one.")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as original:
            original.load()
            upright = ImageOps.exif_transpose(original)
            if upright.mode in ("RGBA", "LA", "P"):
                # Transparent parts become white rather than black.
                upright = upright.convert("RGBA")
                background = Image.new("RGB", upright.size, (255, 255, 255))
                background.paste(upright, mask=upright.getchannel("A"))
                upright = background
            picture = upright.convert("RGB")
            picture.thumbnail(PHOTO_MAX_SIZE, Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "We could not read that file as a photo. Please upload a JPEG, PNG or WebP image."
        ) from None
    output = io.BytesIO()
    picture.save(output, format="JPEG", quality=85, optimize=True)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
