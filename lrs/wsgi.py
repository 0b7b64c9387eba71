"""WSGI entry point: `gunicorn lrs.wsgi:app`."""

from lrs.app import create_app

app = create_app()
