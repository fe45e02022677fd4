import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_wsgi_application()

# Load in this process what each request would otherwise load on first use
# (with gunicorn's preload_app, before the workers are forked).
from .warmup import warm_up  # noqa: E402

warm_up()
