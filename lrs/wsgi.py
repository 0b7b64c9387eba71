"""WSGI entry point: `gunicorn lrs.wsgi:app` (what `lernspur serve` runs in each worker)."""

from lrs.app import create_app
from lrs.server import tune_gc

app = create_app()
tune_gc()
