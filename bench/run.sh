#!/usr/bin/env bash
# The load test and the fault run, on a database of its own; see bench/README.md.
#
#   bench/run.sh              # build the bench database, a 2-minute run, then a 3-minute run with the faults
#   FAULTS=0 bench/run.sh     # the load run only
#   LOAD=0 FAULT_LIST=worker-kill bench/run.sh   # only the fault run, with only one of the faults
#   REUSE=1 bench/run.sh      # keep the database built by an earlier run
#   TASK_WORKER=0 bench/run.sh   # without the task worker (no PDFs laid out in advance)
#
# Everything listens on and talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

PG=${PG:-postgres://postgres@127.0.0.1:5432}
DB=${DB:-samverkan_bench}
PORT=${PORT:-8100}
USERS=${USERS:-40}
RATE=${RATE:-4}
DURATION=${DURATION:-2m}
WARMUP=${WARMUP:-45}
FAULT_DURATION=${FAULT_DURATION:-3m}
LOAD=${LOAD:-1}
FAULTS=${FAULTS:-1}
FAULT_LIST=${FAULT_LIST:-postgres-restart worker-kill}
OUT=${OUT:-/tmp/samverkan-bench/$(date +%Y%m%d-%H%M%S)}
PY=.venv/bin/python

case "$DB" in test | test_*) echo "refusing the database $DB: it belongs to the test suite" >&2; exit 2 ;; esac
mkdir -p "$OUT"
# A media folder of the bench's own, whatever MEDIA_ROOT says: it is emptied when the database is rebuilt.
export DATABASE_URL="$PG/$DB" MEDIA_ROOT="${BENCH_MEDIA:-/tmp/samverkan-bench/media-$DB}"
export BENCH_RUN BENCH_MARKERS="$OUT/markers.txt" BENCH_REQUESTS="$OUT/requests.log"

if [[ "${REUSE:-0}" != 1 ]]; then
    echo "== building $DB"
    psql "$PG/postgres" -qc "drop database if exists $DB with (force)"
    psql "$PG/postgres" -qc "create database $DB"
    rm -rf "$MEDIA_ROOT"
    DEBUG=1 $PY manage.py migrate --noinput >/dev/null
    DEBUG=1 $PY manage.py seed_demo >/dev/null
    DEBUG=1 $PY bench/scale_demo.py | tail -1
else
    DEBUG=1 $PY manage.py migrate --noinput >/dev/null
fi

# Production settings, except that nothing listens beyond 127.0.0.1; the bench says X-Forwarded-Proto: https
# as the TLS proxy would, so SECURE_SSL_REDIRECT and the Secure cookies stay as in production.
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECRET_KEY="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export WORKERS=2 BIND="127.0.0.1:$PORT" EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
$PY manage.py collectstatic --noinput >/dev/null
.venv/bin/gunicorn samverkan.wsgi --config samverkan/gunicorn.conf.py --pid "$OUT/gunicorn.pid" \
    >"$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
# A task worker beside the app servers, as in production: it lays out each edited draft's PDF in advance and sends
# the e-mails (TASK_WORKER=0 leaves it out, to measure the app servers doing everything themselves).
WORKER=
if [[ "${TASK_WORKER:-1}" == 1 ]]; then
    $PY manage.py run_worker >"$OUT/worker.log" 2>&1 &
    WORKER=$!
fi
CPU=
cleanup() {
    [[ -n "$CPU" ]] && kill "$CPU" 2>/dev/null || true
    [[ -n "$WORKER" ]] && kill "$WORKER" 2>/dev/null || true
    kill "$GUNICORN" 2>/dev/null && wait "$GUNICORN" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 50); do curl -fso /dev/null "http://127.0.0.1:$PORT/logga-in/" -H 'X-Forwarded-Proto: https' && break; sleep 0.2; done

run() {  # run <name> <duration>: locust with CPU sampled
    local name=$1 duration=$2
    BENCH_RUN="$name$(date +%H%M%S)"
    $PY bench/cpu.py --gunicorn "$GUNICORN" --out "$OUT/cpu-$name.csv" &
    CPU=$!
    echo "$(date +%s)" >"$OUT/since-$name"
    .venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r "$RATE" -t "$duration" \
        --host "http://127.0.0.1:$PORT" --csv "$OUT/$name" --only-summary >"$OUT/locust-$name.log" 2>&1 || true
    echo "$(date +%s)" >"$OUT/until-$name"
    kill "$CPU"
    CPU=
}

report() {  # report <name> <duration>: its figures; the steady state and CPU from WARMUP seconds on
    local name=$1 duration=$2
    echo "== $name: $USERS users, $duration, $(date -u -d "@$(cat "$OUT/since-$name")" '+%Y-%m-%d %H:%M UTC')"
    $PY bench/summary.py --csv "$OUT/$name" --cpu "$OUT/cpu-$name.csv" --since "$(($(cat "$OUT/since-$name") + WARMUP))" \
        --until "$(cat "$OUT/until-$name")" --requests "$BENCH_REQUESTS" --faults "$OUT/faults-$name.jsonl"
}

if [[ "$LOAD" == 1 ]]; then
    run load "$DURATION"
    report load "$DURATION"
fi

if [[ "$FAULTS" == 1 ]]; then
    # The faults, while the same load runs again: PostgreSQL restarted after 50 s, a worker killed while it
    # renders a PDF after 100 s. Each logs in first and probes the service until it has recovered.
    INJECT=()
    for fault in $FAULT_LIST; do
        case $fault in
        postgres-restart) delay=50 ;;
        worker-kill) delay=100 ;;
        *) echo "no fault $fault" >&2; exit 2 ;;
        esac
        $PY bench/faults.py "$fault" --delay $delay --host "http://127.0.0.1:$PORT" --gunicorn "$GUNICORN" \
            >>"$OUT/faults-faults.jsonl" &
        INJECT+=($!)
    done
    run faults "$FAULT_DURATION"
    wait "${INJECT[@]}" || echo "fault injection failed" >&2
    report faults "$FAULT_DURATION"
fi

echo "== writes"
DEBUG=1 $PY bench/check_writes.py "$BENCH_MARKERS"
echo "results in $OUT"
