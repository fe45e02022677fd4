"""Checking uploaded images by decoding them, not by their names."""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_image_file(file):
    """Refuse anything but a real JPEG, PNG, WebP or GIF within the size and pixel limits.

    The pixel count is read from the header before anything is decompressed,
    so a decompression bomb (a small file that unpacks to a huge image) is
    refused without being unpacked. Images already stored were checked when
    they were uploaded.
    """
    if getattr(file, "_committed", False):
        return
    if file.size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            _("This image is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(settings.IMAGE_MAX_BYTES)},
            code="too_large",
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if width * height > settings.IMAGE_MAX_PIXELS:
                    raise ValidationError(
                        _("This image is %(width)d × %(height)d pixels; the limit is %(limit)s million pixels.")
                        % {"width": width, "height": height, "limit": settings.IMAGE_MAX_PIXELS // 1_000_000},
                        code="too_many_pixels",
                    )
                if image.format not in ALLOWED_FORMATS:
                    raise ValidationError(_("Only JPEG, PNG, WebP and GIF images are accepted."), code="format")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("This image unpacks to too many pixels and was refused."), code="bomb") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("This file is not an image, or it is damaged."), code="invalid") from None
    finally:
        file.seek(0)
