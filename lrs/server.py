"""gunicorn, embedded, so that `lernspur serve` is the one way to run the app."""

from __future__ import annotations

import gc
import time
from datetime import timedelta
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger


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


class AccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger with a cheaper access line, in gunicorn's default (Apache combined)
    format: `host - user [time] "request" status bytes "referer" "user-agent"`.

    gunicorn builds every line from a dict of all request headers, response headers and
    environ variables, so that any `access_log_format` can be served; that cost 0.13-0.26 ms
    of CPU per request here (a hello-world app under gunicorn: 0.44 ms per request without an
    access log, 0.57-0.70 ms with one). Lernspur sets no custom format, so the line is built
    from what the default format names; the handlers (stdout, file, syslog) stay gunicorn's.
    """

    _second = -1
    _stamp = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self._second:  # one strftime a second, not one per request
            self._stamp = time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(second))
            self._second = second
        return self._stamp

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        line = '%s - %s %s "%s %s %s" %s %s "%s" "%s"' % (  # noqa: UP031 (one C-level format)
            environ.get("REMOTE_ADDR", "-"),
            self._get_user(environ) or "-",
            self.now(),
            environ["REQUEST_METHOD"],
            environ["RAW_URI"],
            environ["SERVER_PROTOCOL"],
            status,
            "-" if sent is None else sent,
            environ.get("HTTP_REFERER", "-"),
            environ.get("HTTP_USER_AGENT", "-"),
        )
        try:
            self.access_log.info(line)
        except Exception:
            self.exception("access log line could not be written")


def run_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": max(1, workers),
            "threads": max(1, threads),
            "worker_class": "gthread" if threads > 1 else "sync",
            "accesslog": "-",
            "logger_class": AccessLogger,
            "timeout": 60,
            "graceful_timeout": 20,
            "keepalive": 5,
        }
    ).run()
