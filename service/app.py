"""The Flask application factory: everything is built here, nothing at import time."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template_string

from . import limits, security
from .api import init_api
from .config import Settings
from .usecases import models, notifications
from .usecases.context import Context
from .web import init_web

_INDEX = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>petitionflow</title></head>
<body><h1>petitionflow</h1>
<p>Quy trình đã triển khai / Deployed processes: {{ versions|length }}</p>
<ul>{% for v in versions %}<li>{{ v.key }} v{{ v.version }}: {{ v.name }}</li>{% endfor %}</ul>
</body></html>"""


def create_app(settings: Settings | None = None, context: Context | None = None) -> Flask:
    """Build the app for `settings` (from the environment when not given)."""
    settings = settings or (context.settings if context else Settings.from_env())
    ctx = context or Context.from_settings(settings)
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key or None)  # None: the kept key, on first use
    app.extensions["petitionflow"] = ctx
    limits.configure(settings)
    notifications.configure(settings)
    security.install(app, ctx)
    init_api(app, ctx)

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify(status="ok", processes=models.count_versions(ctx))

    @app.get("/")
    def index() -> str:
        return render_template_string(_INDEX, versions=models.list_versions(ctx))

    init_web(app, ctx)
    return app
