"""Run deploy/nginx.conf on this machine, in the foreground, for the tests and benchmarks.

    python deploy/local_nginx.py --listen 127.0.0.1:8080 --app 127.0.0.1:8000 \
        --host 127.0.0.1 --static var/static --media var/media --dir /tmp/nginx-run

It fills in the site file's ${NEWSROOM_*} names (as envsubst would in
production), wraps it in a minimal main configuration whose files all live
in --dir (its readings log is --dir/readings.log), then runs nginx in the
foreground until it is stopped. Nothing outside --dir is written.
"""

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

SITE_FILE = Path(__file__).resolve().parent / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MAIN = """\
daemon off;
{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/site.conf;
}}
"""


def render_site(values):
    """deploy/nginx.conf with its ${NEWSROOM_*} names filled in; every name must be given."""
    text = SITE_FILE.read_text()
    names = set(re.findall(r"\$\{(NEWSROOM_[A-Z]+)\}", text))
    missing = names - set(values)
    if missing:
        raise SystemExit(f"deploy/nginx.conf needs values for: {', '.join(sorted(missing))}")
    for name, value in values.items():
        text = text.replace("${%s}" % name, str(value))
    return text


def write_config(directory, *, listen, app, host, static, media):
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "cache").mkdir(exist_ok=True)
    site = render_site(
        {
            "NEWSROOM_HOST": host,
            "NEWSROOM_LISTEN": listen,
            "NEWSROOM_APP": app,
            "NEWSROOM_STATIC": Path(static).resolve(),
            "NEWSROOM_MEDIA": Path(media).resolve(),
            "NEWSROOM_CACHE": directory / "cache",
            "NEWSROOM_READINGS": directory / "readings.log",
        }
    )
    (directory / "site.conf").write_text(site)
    # As root, nginx's workers would otherwise become "nobody", who may not
    # read a private temporary folder.
    user = "user root;" if os.geteuid() == 0 else ""
    main = directory / "nginx.conf"
    main.write_text(MAIN.format(dir=directory, user=user))
    return main


def command(main):
    return [NGINX, "-p", str(main.parent), "-c", str(main)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True)
    parser.add_argument("--app", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--static", required=True)
    parser.add_argument("--media", required=True)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    config = write_config(
        args.dir, listen=args.listen, app=args.app, host=args.host, static=args.static, media=args.media
    )
    os.execv(NGINX, command(config))


if __name__ == "__main__":
    sys.exit(main())
