"""gunicorn settings: what `make run` serves with, and what deploy/'s units start.

Read from the environment: HOST, PORT, WEB_CONCURRENCY (workers). Everything else is fixed here
so that the benchmarks (`python -m bench quiz_http --shipped`) measure exactly this.
"""

import os
import shutil
import tempfile

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# A request never waits this long on the database: SQLite's lock wait (QUIZ_SQLITE_BUSY_MS) and
# the pool's wait end well before it, with a 503; a Redis call waits at most 200 ms.
timeout = 30
graceful_timeout = 20
# gunicorn's own request limits, kept at their defaults and answered by gunicorn itself (not the
# app): a request line over 4094 bytes → 414, more than 100 headers or a header over 8190
# bytes → 431/400. nginx in deploy/ refuses earlier with the same limits.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# The app writes one JSON line per request itself (route template, status, ms, request id —
# never a query string, which may carry a token), so gunicorn's access log stays off.
accesslog = None
errorlog = "-"

# /metrics sums every worker's samples (prometheus_client multiprocess mode): the workers write
# them into one directory, fresh for each start of this server.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
_metrics_dir_ours = not _metrics_dir
if _metrics_dir_ours:
    _metrics_dir = tempfile.mkdtemp(prefix="quiz-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def on_starting(server):
    os.makedirs(_metrics_dir, exist_ok=True)
    for name in os.listdir(_metrics_dir):  # samples of an earlier run of this instance
        path = os.path.join(_metrics_dir, name)
        shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, _metrics_dir)


def on_exit(server):
    if _metrics_dir_ours:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
