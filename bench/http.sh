#!/usr/bin/env bash
# Pages under load: gunicorn (2 workers, DEBUG off) on 127.0.0.1 over a fresh
# SQLite database with the archive and 10,000 generated articles; wrk measures
# each page for DURATION seconds at 16 connections, next to a bare Django view
# returning a fixed 20 KB page (the floor). Prints req/s, p50, p99 and each
# page's throughput as a ratio of the floor's.
# Run: bash bench/http.sh   (needs Debian's wrk; DURATION=10 ARTICLES=10000 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
GUNICORN=$(dirname "$PYTHON")/gunicorn
DURATION=${DURATION:-10}
ARTICLES=${ARTICLES:-10000}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d)
port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL="sqlite:///$work/http.sqlite3" DEBUG=0 HTTPS=0 BENCH_FLOOR=1 \
  SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz" \
  ALLOWED_HOSTS=127.0.0.1 STATIC_ROOT="$work/static" LOG_LEVEL=WARNING
"$PYTHON" manage.py migrate -v0
"$PYTHON" manage.py load_archive >/dev/null
"$PYTHON" manage.py generate_articles "$ARTICLES" >/dev/null
"$PYTHON" manage.py collectstatic --noinput -v0

"$GUNICORN" newsroom.wsgi --workers 2 --bind "127.0.0.1:$port" --access-logfile /dev/null --log-level warning &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

pages=(
  "floor|/bench/floor"
  "home zh-hans|/zh-hans/"
  "article zh-hans|/zh-hans/articles/china-acts-on-covid-cooperation/"
  "article zh-hant|/zh-hant/articles/china-acts-on-covid-cooperation/"
  "article en|/en/articles/china-acts-on-covid-cooperation/"
  "side by side|/zh-hans/articles/guangdong-open-letter-covid-science/bilingual/"
  "category|/zh-hans/category/news/"
  "search 疫苗|/zh-hans/search/?q=%E7%96%AB%E8%8B%97"
)
printf '%-18s %10s %9s %9s %7s\n' page req/s p50 p99 ratio
floor=""
for entry in "${pages[@]}"; do
  name=${entry%%|*}; path=${entry#*|}
  out=$(wrk -t2 -c16 -d"${DURATION}s" --latency "http://127.0.0.1:$port$path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
  [ -z "$floor" ] && floor=$rps
  ratio=$(awk -v a="$rps" -v b="$floor" 'BEGIN {printf "%.2f", a / b}')
  printf '%-18s %10s %9s %9s %7s %s\n' "$name" "$rps" "$p50" "$p99" "$ratio" "$errors"
done
