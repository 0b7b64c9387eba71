"""The worker's garbage-collector settings (lrs.server.tune_gc)."""

import gc

from lrs.server import GC_THRESHOLD, tune_gc


def test_tune_gc_freezes_start_up_objects_and_raises_the_young_threshold():
    before = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold() == (GC_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def _access_line(logger_class: type, environ: dict[str, str]) -> str:
    """The line `logger_class` writes for one request, as gunicorn's workers call it."""
    import logging
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = logger_class(cfg)
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger.access_log.handlers = [Collect()]
    logger.now = lambda: "[04/Dec/2026:03:30:00 +0000]"  # the same clock for both loggers
    resp = SimpleNamespace(status="200 OK", sent=37, headers=[("Content-Type", "text/plain")])
    req = SimpleNamespace(headers=[("HOST", "lrs.example"), ("USER-AGENT", "Moodle/5.0")])
    logger.access(resp, req, environ, timedelta(milliseconds=12))
    return lines[0]


def test_access_log_lines_are_those_of_gunicorns_default_format():
    """The cheaper access logger writes what gunicorn's own writes with its default
    `access_log_format` (Apache combined), for requests with and without user and referer."""
    from gunicorn.glogging import Logger

    from lrs.server import AccessLogger

    base = {
        "REMOTE_ADDR": "10.1.2.3",
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/xapi/statements?x=1",
        "PATH_INFO": "/xapi/statements",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": "Moodle/5.0",
    }
    with_user = {
        **base,
        "HTTP_AUTHORIZATION": "Basic a2V5OnNlY3JldA==",  # key:secret
        "HTTP_REFERER": "https://moodle.example/course/view.php?id=3",
    }
    for environ in (base, with_user):
        assert _access_line(AccessLogger, environ) == _access_line(Logger, environ)
    assert _access_line(AccessLogger, with_user).startswith("10.1.2.3 - key [")


def test_access_log_time_is_that_of_gunicorns_logger():
    """The time stamp, formatted once a second, reads as gunicorn's (which formats it on every
    line); compared until both are taken within the same second."""
    import time

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from lrs.server import AccessLogger

    ours, theirs = AccessLogger(Config()), Logger(Config())
    for _ in range(3):
        before = int(time.time())
        pair = ours.now(), theirs.now()
        if int(time.time()) == before:
            break
    assert pair[0] == pair[1]
