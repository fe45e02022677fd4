"""The site as production runs it, for tests that need real processes: gunicorn, DEBUG off, own database.

`prepare_site` readies a database (DATABASE_URL's on the PostgreSQL run, a
SQLite file of its own otherwise) with the archive and an editor "desk";
`start_gunicorn` starts a server on it. tests/test_multiprocess.py and
tests/test_proxy.py use both.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request

from django.conf import settings

EDITOR = "desk"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_site(work, password, **settings_env):
    """The environment of a production-like site over a fresh archive; runs migrate, load_archive and the editor."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{work}/site.sqlite3",
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": "production-like-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "COMMENT_MIN_SECONDS": "0",
        "DJANGO_SUPERUSER_PASSWORD": password,
        "LOG_LEVEL": "WARNING",
        **settings_env,
    }
    manage(env, "migrate", "-v0")
    manage(env, "load_archive", "--force")
    manage(env, "shell", "-c", "from comments.models import Comment; Comment.objects.all().delete()")
    manage(
        env,
        "shell",
        "-c",
        f"from django.contrib.auth.models import User; User.objects.filter(username='{EDITOR}').delete()",
    )
    manage(env, "createsuperuser", "--noinput", "--username", EDITOR, "--email", "d@example.com")
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


def start_gunicorn(env, port, workers, log=None):
    """gunicorn on 127.0.0.1:port; its errors and the site's tracebacks go to `log` (an open file) if given."""
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    return subprocess.Popen(
        [gunicorn, "newsroom.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=settings.BASE_DIR,
        env={**env, "GUNICORN_ACCESS_LOG": "/dev/null"},
        stderr=log,
    )


def wait_for(port, path="/healthz"):
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"nothing answered on port {port}")


def stop(*processes):
    for process in processes:
        process.terminate()
        process.wait(timeout=30)
