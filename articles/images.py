"""Checking uploaded images by decoding them, not by their names, before anything is stored.

An upload is accepted only if the page can show it: a real JPEG, PNG, WebP
or GIF within the size and pixel limits, decoded to its last pixel, with
sides the renditions can be made from (WebP stops at 16,383 pixels a side;
a strip a few pixels high shrinks to nothing), and every rendition of the
model's imagekit specs actually made, in memory. So a save never fails
halfway on an image: the editor gets the form back with a message saying
what is wrong with the file and what to do, and no file is written.
"""

import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}

# The longest side a WebP rendition can have (libwebp's limit). Renditions
# are never larger than the original, so an original within it is enough.
MAX_SIDE = 16383

# A figure in a news article is at least a thumbnail's worth of picture; a
# smaller file is an icon, a tracking pixel or a mistake, and its narrowest
# rendition (480 px wide) would be a blur.
MIN_SIDE = 100

CHECKED = "_newsroom_image_checked"


def validate_image_file(value):
    """The model field's validator: refuse an uploaded file the site could not show.

    Images already stored were checked when they were uploaded. When the
    file belongs to a model instance, the renditions its imagekit specs
    describe are made in memory too.
    """
    if getattr(value, "_committed", False):
        return
    instance, field = getattr(value, "instance", None), getattr(value, "field", None)
    upload = getattr(value, "file", None) or value
    check_image(upload, type(instance) if instance is not None else None, getattr(field, "name", None))


def check_image(upload, model=None, field_name=None):
    """Decode `upload` fully and make its renditions; raise ValidationError saying what is wrong.

    The pixel count is read from the header before anything is decompressed,
    so a decompression bomb (a small file that unpacks to a huge image) is
    refused without being unpacked. The verdict is remembered on the upload,
    so the form field and the model's validator decode it once between them.
    """
    done = getattr(upload, CHECKED, None)
    if done is not None and (done or model is None):
        return
    if upload.size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            _("This image is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMAGE_MAX_BYTES)},
            code="too_large",
        )
    if looks_like_svg(upload):
        raise svg_refused()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                check_dimensions(*image.size)
                if image.format not in ALLOWED_FORMATS:
                    raise ValidationError(
                        _("This is a %(format)s file; only JPEG, PNG, WebP and GIF images are accepted.")
                        % {"format": image.format},
                        code="format",
                    )
                image.verify()
            # verify() leaves the image unusable and misses a file cut short:
            # decode every pixel from a fresh start.
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
                if model is not None:
                    make_renditions(image, model, field_name)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("This image unpacks to too many pixels and was refused."), code="bomb") from None
    except UnidentifiedImageError:
        if (getattr(upload, "name", "") or "").lower().endswith((".svg", ".svgz")):
            raise svg_refused() from None
        raise ValidationError(
            _("This file is not an image the site can read: upload a JPEG, PNG, WebP or GIF image."),
            code="invalid",
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _("This image file is cut short or damaged. Export or download it again and upload the new file."),
            code="damaged",
        ) from None
    finally:
        upload.seek(0)
    setattr(upload, CHECKED, model is not None)


def svg_refused():
    return ValidationError(
        _(
            "SVG drawings are not accepted; export it as PNG (for a chart or a diagram) or JPEG (for a photo) "
            "and upload that."
        ),
        code="svg",
    )


def looks_like_svg(upload):
    upload.seek(0)
    start = upload.read(4096)
    upload.seek(0)
    # Markup (after a byte-order mark or blank lines) with an <svg> element near its start.
    start = start.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return start.startswith(b"<") and b"<svg" in start


def check_dimensions(width, height):
    size = {"width": width, "height": height}
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(
            _("This image is %(width)d × %(height)d pixels; the limit is %(limit)s million pixels.")
            % {**size, "limit": settings.IMAGE_MAX_PIXELS // 1_000_000},
            code="too_many_pixels",
        )
    if max(width, height) > MAX_SIDE:
        raise ValidationError(
            _("This image is %(width)d × %(height)d pixels; no side may be longer than %(limit)s pixels.")
            % {**size, "limit": f"{MAX_SIDE:,}"},
            code="too_long",
        )
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            _(
                "This image is %(width)d × %(height)d pixels; a figure needs at least %(limit)d pixels on each "
                "side. Upload a larger version."
            )
            % {**size, "limit": MIN_SIDE},
            code="too_small",
        )


def rendition_names(model, field_name):
    """The names of the imagekit spec fields made from `model.field_name` (`image_480`, …)."""
    from imagekit.models.fields.utils import ImageSpecFileDescriptor

    return list(
        {
            name: None
            for klass in reversed(model.__mro__)
            for name, attribute in vars(klass).items()
            if isinstance(attribute, ImageSpecFileDescriptor) and attribute.source_field_name == field_name
        }
    )


def rendition_specs(model, field_name):
    """The imagekit specs made from `model.field_name`, as they will be made when it is saved."""
    return [getattr(model, name).get_spec(source=None) for name in rendition_names(model, field_name)]


def make_renditions(image, model, field_name):
    from pilkit.utils import process_image

    for spec in rendition_specs(model, field_name):
        process_image(
            image, processors=spec.processors, format=spec.format, autoconvert=spec.autoconvert, options=spec.options
        )


class CheckedImageField(forms.ImageField):
    """Django's image form field, answering with our messages (SVG, damaged, sizes) before its generic one."""

    def __init__(self, *args, model=None, field_name=None, **kwargs):
        self.model, self.field_name = model, field_name
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        if data and hasattr(data, "seek") and hasattr(data, "size"):
            check_image(data, self.model, self.field_name)
        return super().to_python(data)
