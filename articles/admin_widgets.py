"""The figure's image input on the article form, showing the stored image as a thumbnail."""

from django.contrib.admin.widgets import AdminFileWidget
from django.utils.html import format_html
from django.utils.translation import gettext as _

THUMBNAIL_WIDTH = 160


class ThumbnailFileWidget(AdminFileWidget):
    """Django's file input with the stored image shown small beside it, linked to the full file.

    The thumbnail is the narrowest rendition (made when the image was saved),
    so a page with many figures does not download their originals.
    """

    rendition = "image_480"

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        thumbnail = self.thumbnail(value)
        if not thumbnail:
            return field
        return format_html('<div class="figure-image">{}<div>{}</div></div>', thumbnail, field)

    def thumbnail(self, value):
        instance = getattr(value, "instance", None)
        if not value or not getattr(value, "_committed", False) or instance is None:
            return ""
        width, height = getattr(instance, "image_width", None), getattr(instance, "image_height", None)
        try:
            source = getattr(instance, self.rendition).url
        except (AttributeError, ValueError, OSError):
            return ""
        size = ""
        if width and height:
            shown = min(width, THUMBNAIL_WIDTH)
            size = format_html(' width="{}" height="{}"', shown, max(1, round(height * shown / width)))
        return format_html(
            '<a class="figure-thumbnail" href="{}"><img src="{}"{} alt="{}" loading="lazy"></a>',
            value.url,
            source,
            size,
            _("The image as stored (open the full file)"),
        )
