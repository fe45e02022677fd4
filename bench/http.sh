#!/usr/bin/env bash
# Pages under load, in one run, the way production serves them: gunicorn
# (2 sync workers, DEBUG off, the default file cache) behind nginx running
# deploy/nginx.conf, over a fresh database with the archive and ARTICLES
# generated articles. wrk measures, at 16 and then 64 connections:
#   - nginx serving a static 20 KB file: the reference for pages via nginx;
#   - every reader page type through nginx;
#   - a bare Django view rendering a 20 KB template: the reference for pages
#     straight from gunicorn;
#   - every reader page type straight from gunicorn (Django's own cache);
#   - the reading counter (POST /read/<slug>) through nginx.
# Prints req/s, p50, p99, the ratio to the row's reference, and each goal.
# Run: bash bench/http.sh  (Debian's wrk and nginx; DURATION=5 ARTICLES=10000
# CONNECTIONS="16 64" by default; DATABASE_URL=postgres://… measures on
# PostgreSQL, on a database this script may empty).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
GUNICORN=$(dirname "$PYTHON")/gunicorn
DURATION=${DURATION:-5}
ARTICLES=${ARTICLES:-10000}
CONNECTIONS=${CONNECTIONS:-16 64}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -x /usr/sbin/nginx ] || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }

work=$(mktemp -d)
free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
app_port=$(free_port)
proxy_port=$(free_port)
export DATABASE_URL=${DATABASE_URL:-sqlite:///$work/http.sqlite3} DEBUG=0 HTTPS=0 BENCH_FLOOR=1 \
  SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz" \
  ALLOWED_HOSTS=127.0.0.1 SITE_URL="http://127.0.0.1:$proxy_port" CACHE_URL="file://$work/cache" \
  STATIC_ROOT="$work/static" MEDIA_ROOT="$work/media" LOG_LEVEL=WARNING GUNICORN_ACCESS_LOG=/dev/null
"$PYTHON" manage.py migrate -v0
"$PYTHON" manage.py flush --noinput
"$PYTHON" manage.py load_archive >/dev/null
"$PYTHON" manage.py generate_articles "$ARTICLES" >/dev/null
"$PYTHON" manage.py collectstatic --noinput -v0
# The reference file: the floor view's own 20 KB page, as a static file.
mkdir -p "$work/static/bench" "$work/media"
"$PYTHON" -c 'import django, os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings"); django.setup()
from django.template.loader import render_to_string; import sys; sys.stdout.write(render_to_string("bench/floor.html"))' \
  >"$work/static/bench/floor.html"

"$GUNICORN" newsroom.wsgi --workers 2 --bind "127.0.0.1:$app_port" --log-level warning &
server=$!
"$PYTHON" deploy/local_nginx.py --listen "127.0.0.1:$proxy_port" --app "127.0.0.1:$app_port" \
  --static "$work/static" --media "$work/media" --dir "$work/nginx" &
proxy_pid=$!
trap 'kill $proxy_pid $server 2>/dev/null; wait $proxy_pid $server 2>/dev/null; rm -rf "$work"' EXIT
for port in "$app_port" "$proxy_port"; do
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done

cat >"$work/read.lua" <<LUA
wrk.method = "POST"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"
wrk.headers["Origin"] = "http://127.0.0.1:$proxy_port"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
LUA

reader_pages=(
  "home zh-hans|/zh-hans/"
  "article zh-hans|/zh-hans/articles/china-acts-on-covid-cooperation/"
  "article zh-hant|/zh-hant/articles/china-acts-on-covid-cooperation/"
  "article en|/en/articles/china-acts-on-covid-cooperation/"
  "side by side|/zh-hans/articles/guangdong-open-letter-covid-science/bilingual/"
  "category|/zh-hans/category/news/"
  "archive month|/en/archive/2020/4/"
  "search 疫苗|/zh-hans/search/?q=%E7%96%AB%E8%8B%97"
  "feed|/en/feed/"
  "sitemap|/sitemap.xml"
)
proxy="http://127.0.0.1:$proxy_port"
app="http://127.0.0.1:$app_port"
# Every page once through each path, so the runs below measure served pages.
for entry in "${reader_pages[@]}"; do
  curl -fs -o /dev/null "$proxy${entry#*|}"; curl -fs -o /dev/null "$app${entry#*|}"
done

# measure NAME URL REFERENCE_RPS [wrk options]: prints a row; sets $rps and $p99_ms.
measure() {
  local name=$1 url=$2 reference=$3; shift 3
  local out errors ratio
  out=$(wrk -t2 -c"$connections" -d"${DURATION}s" --latency "$@" "$url")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  p99_ms=$(awk -v v="$p99" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.1f", n }')
  errors=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' <<<"$out")
  [ -z "$reference" ] && reference=$rps
  ratio=$(awk -v a="$rps" -v b="$reference" 'BEGIN {printf "%.2f", a / b}')
  printf '%-30s %10s %9s %9s %7s  %s\n' "$name" "$rps" "$p50" "$p99" "$ratio" "$errors"
}
# measure_pages LABEL BASE REFERENCE_RPS: every reader page; sets $article (rps) and $worst_p99 (ms).
measure_pages() {
  local entry
  worst_p99=0
  for entry in "${reader_pages[@]}"; do
    measure "$1: ${entry%%|*}" "$2${entry#*|}" "$3"
    [ "${entry%%|*}" = "article zh-hans" ] && article=$rps
    worst_p99=$(awk -v a="$worst_p99" -v b="$p99_ms" 'BEGIN {print (b > a ? b : a)}')
  done
}
check() { # check LABEL CONDITION-AWK-EXPRESSION
  if awk "BEGIN { exit !($2) }"; then echo "  goal met:     $1"; else echo "  goal NOT met: $1"; fi
}

for connections in $CONNECTIONS; do
  echo
  echo "== $connections connections, ${DURATION} s each =="
  printf '%-30s %10s %9s %9s %7s\n' page req/s p50 p99 ratio
  measure "static 20 KB file (nginx)" "$proxy/static/bench/floor.html" ""
  static=$rps
  measure_pages "nginx" "$proxy" "$static"
  article_proxy=$article worst_proxy_p99=$worst_p99
  measure "bare Django view, 20 KB" "$app/bench/floor" ""
  floor=$rps
  measure_pages "gunicorn" "$app" "$floor"
  article_app=$article worst_app_p99=$worst_p99
  measure "count a reading (POST, nginx)" "$proxy/read/china-acts-on-covid-cooperation" "" -s "$work/read.lua"
  count=$rps
  echo "goals at $connections connections:"
  check "article via nginx $(awk -v a="$article_proxy" -v b="$static" 'BEGIN {printf "%.2f", a/b}') x the static file (>= 0.5)" "$article_proxy >= 0.5 * $static"
  check "article from gunicorn $(awk -v a="$article_app" -v b="$floor" 'BEGIN {printf "%.2f", a/b}') x the bare view (>= 1.0)" "$article_app >= $floor"
  check "counting $count req/s (>= 2000)" "$count >= 2000"
  if [ "$connections" = 16 ]; then
    check "worst p99 via nginx $worst_proxy_p99 ms (< 50 ms)" "$worst_proxy_p99 < 50"
    check "worst p99 from gunicorn $worst_app_p99 ms (< 50 ms)" "$worst_app_p99 < 50"
  fi
done
