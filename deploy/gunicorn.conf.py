"""gunicorn settings: what `make run` serves with, and what deploy/'s units start.

Read from the environment: HOST, PORT, WEB_CONCURRENCY (workers). Everything else is fixed here
so that the benchmarks (`python -m bench quiz_http --shipped`) measure exactly this.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# A request never waits this long on the database: SQLite's lock wait (QUIZ_SQLITE_BUSY_MS) and
# the pool's wait end well before it, with a 503.
timeout = 30
graceful_timeout = 20
# gunicorn's own request limits, kept at their defaults and answered by gunicorn itself (not the
# app): a request line over 4094 bytes → 414, more than 100 headers or a header over 8190
# bytes → 431/400. nginx in deploy/ refuses earlier with the same limits.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
errorlog = "-"
