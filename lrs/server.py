"""gunicorn, embedded, so that `lernspur serve` is the one way to run the app."""

from __future__ import annotations

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
