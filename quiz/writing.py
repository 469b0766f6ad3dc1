"""A unit of work says when it is about to write: through its SQLAlchemy session, no framework.

A read-only unit (a GET request; the request hook marks its session so) reads in autocommit on
PostgreSQL and in a plain BEGIN on SQLite. SQLite cannot upgrade a read transaction while another
connection holds the write lock: it answers BUSY at once, without waiting. So a read-only unit
that turns out to write (the first fetch of the day creates rows) says so first: on SQLite its
read transaction ends (nothing is pending) and the rest of the unit takes the write lock at
BEGIN, queuing on the busy timeout like any writer. PostgreSQL needs nothing: a read request's
writes are single idempotent statements, and its writes wait on row locks.
"""

from __future__ import annotations

READ_ONLY = "quiz.read_only"  # session.info: True (a read-only unit), False (writing), absent


def will_write(session) -> None:
    """Declare that this unit of work writes from here on (a no-op unless it began read-only)."""
    session = session.registry() if hasattr(session, "registry") else session  # a scoped_session
    if session.info.get(READ_ONLY) is not True:
        return  # writing already, or a command's or a test's own unit: nothing changes
    if session.get_bind().dialect.name != "sqlite":
        return
    session.info[READ_ONLY] = False
    if session.in_transaction():
        session.commit()  # nothing is pending: this only ends the read transaction
