"""What the benchmark's throughput part serves under gunicorn: the app, and beside it under
/bare a bare Flask app that renders a small Jinja template (the yardstick each page is
compared with: the same server, workers and load generator, and nothing of the app).

    gunicorn --workers 2 --worker-class sync 'scripts.bench_wsgi:app'

The app is the demo's, with CSRF checks off so that the benchmark can log in through the form
(it serves 127.0.0.1 only, for the benchmark's run).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask, render_template
from jinja2 import DictLoader
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from app.factory import create_app

BARE_TEMPLATE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
  <h1>{{ title }}</h1>
  <ul>{% for item in items %}<li>{{ loop.index }}. {{ item }}</li>{% endfor %}</ul>
  <p>{{ footer }}</p>
</body>
</html>
"""


def bare_app() -> Flask:
    bare = Flask("bare")
    bare.jinja_loader = DictLoader({"bare.html": BARE_TEMPLATE})

    @bare.get("/")
    def page():
        items = [f"Item number {n}" for n in range(10)]
        return render_template("bare.html", title="A bare page", items=items, footer="The end")

    return bare


app = DispatcherMiddleware(create_app({"WTF_CSRF_ENABLED": False}), {"/bare": bare_app()})
