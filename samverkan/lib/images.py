"""Uploaded images (figures in the text, organisations' logos): what they are is decided by their content, and they
are bounded in bytes and in pixels, so that a page or a PDF never decodes a picture out of all proportion."""

from __future__ import annotations

import uuid

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 6000  # pixels, either way
IMAGE_EXTENSIONS = {"png", "jpg", "gif", "webp"}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


def image_extension(file) -> str:
    """The extension the image is stored under, by its content; ValidationError, in words for the form, for anything
    but a PNG, JPEG, GIF or WebP image of at most 5 MB and 6000 pixels a side."""
    if file.size > MAX_IMAGE_BYTES:
        raise ValidationError(_("The image is larger than 5 MB."), code="image_size")
    file.seek(0)
    kind = filetype.guess(file.read(8192))
    file.seek(0)
    extension = None if kind is None else {"apng": "png"}.get(kind.extension, kind.extension)
    if extension not in IMAGE_EXTENSIONS:
        raise ValidationError(_("Only images (PNG, JPEG, GIF, WebP) can be added."), code="image_type")
    try:
        with Image.open(file) as image:  # reads the header only: the size is known before anything is decoded
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("The image could not be read."), code="image_unreadable") from None
    finally:
        file.seek(0)
    if max(width, height) > MAX_IMAGE_SIDE:
        raise ValidationError(
            _("The image is %(width)s × %(height)s pixels; at most %(limit)s pixels a side are allowed.")
            % {"width": width, "height": height, "limit": MAX_IMAGE_SIDE},
            code="image_pixels",
        )
    return extension


def validate_image(file) -> None:
    image_extension(file)


def image_stored_name(extension: str) -> str:
    """A name of our own for an uploaded image: what users called it says nothing the page needs."""
    return f"{uuid.uuid4().hex}.{extension}"
