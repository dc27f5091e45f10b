# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""HTTP sessions kept per thread, so consecutive calls reuse their connection.

A new ``requests.Session`` per call pays for a TCP (and, against Car-Pass, a TLS)
handshake each time; a garage sends a reading and its work description back to
back, and the retry cron and the drain send hundreds in a row. Sessions are not
thread-safe, hence one per thread. They are keyed by account as well as host and
refuse cookies, so nothing of one establishment's exchange rides along with
another's: credentials go with each request (basic auth).
"""

import threading
from http.cookiejar import DefaultCookiePolicy

import requests

_local = threading.local()


def pooled_session(base_url, username):
    """The calling thread's session for this account on this Car-Pass host."""
    sessions = getattr(_local, "sessions", None)
    if sessions is None:
        sessions = _local.sessions = {}
    key = (base_url, username)
    session = sessions.get(key)
    if session is None:
        session = requests.Session()
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        sessions[key] = session
    return session


def close_pooled_sessions():
    """Close the calling thread's sessions (their connections go back to the OS)."""
    for session in getattr(_local, "sessions", {}).values():
        session.close()
    _local.sessions = {}
