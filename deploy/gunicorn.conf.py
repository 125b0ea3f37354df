"""gunicorn's settings for Tandem: `gunicorn tandem.wsgi -c deploy/gunicorn.conf.py`.

Threads keep connections alive as browsers do and let a worker wait on PostgreSQL for one
request while it serves another. Command-line options (-b, --workers) override these.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 10
timeout = 30
graceful_timeout = 20
# The request log (tandem.request, JSON) replaces the access log, which would show raw paths
# with their booking-link and calendar-feed tokens.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    # prometheus_client's multiprocess mode: start from an empty folder, so the counts of
    # processes of an earlier run are not added in.
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
