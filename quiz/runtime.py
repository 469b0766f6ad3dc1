"""Where the running service's parts are found: one object, the runtime, built once by
`create_app` (`quiz.services.running.build_runtime`) and kept in two places that hold the same
object — the app's `extensions` and, for every unit of work, its SQLAlchemy session's `info`
(set when the session is made). Services take it from the session they already work in, views and
commands from the app, tests from the app they built: always through `runtime_of`.
"""

from __future__ import annotations

RUNTIME = "quiz.runtime"


def runtime_of(holder):
    """The runtime of an app (`app.extensions`) or of a unit of work (a session, or Flask-SQLAlchemy's
    scoped session, whose `info` carries it)."""
    extensions = getattr(holder, "extensions", None)
    if extensions is not None:
        return extensions[RUNTIME]
    session = holder.registry() if hasattr(holder, "registry") else holder
    return session.info[RUNTIME]
