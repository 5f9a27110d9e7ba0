"""gunicorn settings for the dashboard; override with GUNICORN_CMD_ARGS or flags."""

import math
import os

from dotenv import load_dotenv

load_dotenv(os.path.join(os.getcwd(), ".env"))


def _whole(name, default):
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"Configuration error: {name}={raw!r} is not a whole number.")
    return int(raw)


def _pbx_timeout():
    # on_starting explains a bad PBX_TIMEOUT; here any number will do.
    try:
        seconds = float(os.environ.get("PBX_TIMEOUT", "") or 10)
    except ValueError:
        return 10.0
    return seconds if math.isfinite(seconds) else 10.0


bind = os.environ.get("BIND", "0.0.0.0:8080")
workers = _whole("WEB_CONCURRENCY", 2)
threads = _whole("GUNICORN_THREADS", 4)
worker_class = "gthread"
# A batch call may wait PBX_TIMEOUT seconds for the PBX, plus connect retries.
timeout = int(_pbx_timeout() * 2 + 30)
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
# Query strings can carry history filters only; never credentials.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# A control socket at a fixed path would be taken over by a second instance.
control_socket_disable = True


def on_starting(server):
    """Check the configuration; in demo mode start one stand-in for all workers."""
    from dashboard.config import ConfigError, load_settings
    from dashboard.pbxlink import start_demo_pbx

    try:
        load_settings(os.environ, os.path.join(os.getcwd(), "instance"))
    except ConfigError as exc:
        raise SystemExit(f"Configuration error: {exc}") from None
    if os.environ.get("PBX_URL", "").strip():
        return

    url, _key = start_demo_pbx()
    server.log.info("Demo mode: workers share the Simotel stand-in at %s", url)
