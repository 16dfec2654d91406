"""Security headers on every response: a strict CSP (inline scripts only by hash), no sniffing,
no referrer beyond the origin, no framing by other sites, and no version banner."""
from __future__ import annotations

import base64
import hashlib

from flask import Response, current_app

_policy: dict[int, str] = {}


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def _csp() -> str:
    app = current_app.extensions.get("dash_app")
    key = id(app)
    if key not in _policy:
        # Dash's renderer bootstrap and the clientside callbacks are inline scripts: allowed by
        # their hashes only. Plotly and dcc set element styles, which a CSP can only allow wholesale.
        hashes = " ".join([*app.csp_hashes(), _hash(app.renderer)]) if app is not None else ""
        _policy[key] = "; ".join([
            "default-src 'self'",
            f"script-src 'self' {hashes}".strip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ])
    return _policy[key]


def secure(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = _csp()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers.pop("Server", None)
    return response
