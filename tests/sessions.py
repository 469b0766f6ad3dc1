"""The one way tests (and the benchmarks) sign a client in without the login form: the session
cookie a sign-in leaves, written through Flask's test client."""

from __future__ import annotations


def signed_in_client(app, user_id: int, *, session_version: int = 0, csrf_header: bool = True):
    """A test client of `app` signed in as `user_id` (Flask-Login's session id is
    "<id>:<session_version>"; a logout or password reset bumps the version), sending the
    contract's CSRF header on every request unless told not to."""
    client = app.test_client()
    if csrf_header:
        client.environ_base["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:{session_version}"
        session["_fresh"] = True
    return client
