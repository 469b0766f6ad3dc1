"""How fast the page shells and the page script are served (the pages' own server cost).

    python -m bench.pages [--seconds 3]

In-process (Flask test client, temp SQLite, one thread): the shell render, including the
session load and the role check, without network noise. The data on each page comes from the
JSON API, measured by the other benchmarks.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from quiz.extensions import db
from tests.conftest import make_app
from tests.factories import Factory
from tests.sessions import signed_in_client

TARGETS = [
    ("citizen", "/app/"),
    ("citizen", "/app/quiz"),
    ("citizen", "/app/boards"),
    ("admin", "/admin/"),
    ("admin", "/admin/questions"),
    ("anyone", "/app/static/citizen.js"),
    ("anyone", "/app/login"),
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    app = make_app("sqlite", Path(tempfile.mkdtemp()))
    with app.app_context():
        db.create_all()
        factory = Factory(app)
        users = {
            "citizen": factory.user(username="bench_citizen").id,
            "admin": factory.user(username="bench_admin", role="admin").id,
        }
    clients = {}
    for who in ("citizen", "admin", "anyone"):
        if who in users:
            clients[who] = signed_in_client(app, users[who], csrf_header=False)
        else:
            clients[who] = app.test_client()
    print(f"{'page':<22}{'req/s':>10}{'ms/req':>10}")
    for who, path in TARGETS:
        client = clients[who]
        assert client.get(path).status_code == 200, path
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            client.get(path)
            n += 1
        elapsed = time.perf_counter() - start
        print(f"{path:<22}{n / elapsed:>10.0f}{1000 * elapsed / n:>10.2f}")


if __name__ == "__main__":
    main()
