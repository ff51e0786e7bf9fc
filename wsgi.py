"""The WSGI entry point: gunicorn serves `wsgi:app`."""

from app.factory import create_app

app = create_app()
