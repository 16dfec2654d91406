"""Signing in and who is asking: sessions kept on the server, display tokens for walls, the
lockout, CSRF on the sign-in form, single sign-on, the security headers and the user commands.

What an actor may see is decided in access.py; here the actor of a request is found (or the
request is refused) before anything else runs.
"""
from __future__ import annotations

from flask import Flask

from settings import Settings


def init_auth(server: Flask, settings: Settings, secret: str) -> None:
    from . import guard, headers, routes

    import access

    server.secret_key = secret
    if guard.audit_denial not in access.DENIAL_HOOKS:
        access.DENIAL_HOOKS.append(guard.audit_denial)
    server.register_blueprint(routes.blueprint)
    server.before_request(guard.resolve_actor)
    server.after_request(headers.secure)
