"""The baseline the HTTP benchmarks divide by: a bare Flask JSON route, nothing else.

Served by the same gunicorn configuration as the service, in the same run:
`gunicorn --config deploy/gunicorn.conf.py bench.baseline_app:app`, then `GET /ping`.
"""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/ping")
def ping():
    return jsonify(ok=True)
