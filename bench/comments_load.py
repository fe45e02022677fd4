"""Many comments at once on the SQLite default: none may fail or go missing.

Starts gunicorn with 3 workers on 127.0.0.1 over a fresh SQLite database with
the archive loaded (DEBUG off, the rate limit lifted through
COMMENT_RATE_LIMIT=0), then 20 concurrent clients - each with its own cookies
and CSRF token, each waiting out the minimum fill time - post 500 comments in
all. Counts what the server accepted and what the database holds, and prints
posts sent, accepted, stored, lost, server errors and throughput.
Run: .venv/bin/python bench/comments_load.py [posts] [clients]
"""

import http.cookiejar
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ARTICLE = "/zh-hans/articles/china-science-global-covid-fight/"
MIN_SECONDS = 1


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client(base, posts, results, lock, number):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.open(base + ARTICLE, timeout=30).read()
    # As the page's script does when the reader starts writing.
    issued = json.loads(opener.open(base + "/comment-stamp", timeout=30).read())["stamp"]
    time.sleep(MIN_SECONDS + 0.2)
    for index in range(posts):
        data = urllib.parse.urlencode(
            {
                "issued": issued,
                "name": f"读者{number}",
                "email": f"reader{number}@example.com",
                "message": f"第 {index} 条留言，来自读者 {number}。Comment {index} from reader {number}.",
                "website": "",
            }
        ).encode()
        request = urllib.request.Request(base + ARTICLE + "comments/", data=data, headers={"Origin": base})
        try:
            status = opener.open(request, timeout=60).status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = "error"
        with lock:
            results.append(status)


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    workdir = Path(tempfile.mkdtemp(prefix="bench-comments-"))
    database = workdir / "comments.sqlite3"
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "COMMENT_RATE_LIMIT": "0",
        "COMMENT_MIN_SECONDS": str(MIN_SECONDS),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_archive"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    gunicorn = Path(PYTHON).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "newsroom.wsgi", "--workers", "3", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        results, lock = [], threading.Lock()
        shares = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
        threads = [threading.Thread(target=client, args=(base, n, results, lock, i)) for i, n in enumerate(shares)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        elapsed = time.perf_counter() - start - MIN_SECONDS - 0.2
    finally:
        server.terminate()
        server.wait(timeout=30)
    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT COUNT(*) FROM articles_comment").fetchone()[0]
    accepted = sum(1 for status in results if status == 302)
    server_errors = sum(1 for status in results if status == "error" or (isinstance(status, int) and status >= 500))
    refused = len(results) - accepted - server_errors
    print(f"posts sent      {len(results)}")
    print(f"accepted        {accepted}")
    print(f"refused         {refused}")
    print(f"stored          {stored}")
    print(f"lost            {accepted - stored}")
    print(f"server errors   {server_errors}")
    print(f"throughput      {len(results) / elapsed:.0f} posts/s ({clients} clients, 3 gunicorn workers, SQLite)")
    return 0 if server_errors == 0 and accepted == stored == total else 1


if __name__ == "__main__":
    sys.exit(main())
