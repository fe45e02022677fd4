"""gunicorn settings for production: `gunicorn newsroom.wsgi` (this file is read automatically).

Each value can be changed through the environment without editing the file.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the site is CPU- and database-bound, not waiting on slow clients
# (the proxy in front buffers them).
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# The master loads the site and warms it (newsroom/warmup.py) before forking,
# so a new or recycled worker answers its first request as fast as its
# thousandth. Recycling guards against slow leaks; pages live in the shared
# cache (CACHE_URL), not in a worker, so a recycle loses nothing.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
# Trust X-Forwarded-* only from the proxies the site trusts (TRUSTED_PROXIES,
# as newsroom/proxies.py does).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# The peer (the proxy) and the client it forwarded for.
access_log_format = '%(h)s for="%({x-forwarded-for}i)s" %(l)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)ss'
errorlog = "-"
