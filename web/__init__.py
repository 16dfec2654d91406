"""Plain Flask routes beside the Dash pages: file downloads that a callback cannot stream."""
from __future__ import annotations

from flask import Flask


def init_web(server: Flask) -> None:
    from .exports import blueprint

    server.register_blueprint(blueprint)
    from .wall import blueprint as wall  # the wall player (issue 13)

    server.register_blueprint(wall)
