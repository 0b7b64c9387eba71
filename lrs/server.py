"""gunicorn, embedded, so that `lernspur serve` is the one way to run the app."""

from __future__ import annotations

import gc
from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from lrs.wsgi import app

        return app


# Objects per generation-0 collection. A batch of 100 statements allocates tens of thousands
# of short-lived dicts and strings; with Python's default (700) the cyclic collector ran about
# 4 times per batch (732 young collections in 200 batches) and cost 11-12 µs of CPU per
# statement stored (measured with gc.callbacks).
GC_THRESHOLD = 20_000


def tune_gc() -> None:
    """Once the app is imported: keep what start-up made out of every later collection
    (gc.freeze), and collect young objects less often. Request garbage is acyclic and freed by
    reference counting; the collector only finds the rare cycle, a little later."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


def run_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": max(1, workers),
            "threads": max(1, threads),
            "worker_class": "gthread" if threads > 1 else "sync",
            "accesslog": "-",
            "timeout": 60,
            "graceful_timeout": 20,
            "keepalive": 5,
        }
    ).run()
