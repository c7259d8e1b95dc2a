"""Gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app`` (see README).

Every value can be overridden on the command line or with ``GUNICORN_CMD_ARGS``.
"""

import os

# Behind the reverse proxy on the same machine; never on a public address.
bind = os.environ.get("ACTIVATIE_BIND", "127.0.0.1:8000")
# One sync worker per core: on a 2-core machine 4 workers served 5-14 % fewer requests than 2
# (issue 11). The requests wait on the database only briefly, so more workers than cores only
# add switching. Several hosts behind the proxy scale further (README "Scaling out").
workers = int(os.environ.get("ACTIVATIE_WORKERS", os.cpu_count() or 2))

# Request limits, refused by gunicorn before the app sees them. The app answers URLs over
# 4096 characters itself with a Dutch 414 (security.MAX_URL_LENGTH), so gunicorn's own English
# "URI Too Long" only meets request lines over 8190 bytes.
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190

# A worker stuck longer than this is restarted. The database timeouts (connect 5 s, statement
# 15 s, pool 5 s; README "Configuration") end a hanging request well before.
timeout = 30
graceful_timeout = 30
keepalive = 5

# One line per request, the path without its query string (what residents type is not logged);
# the app logs one line per failure with the same request id.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss id=%({x-request-id}o)s'


def post_worker_init(worker):
    """Start building the worker's match index at once (see activatie.views.matching.warm_up).

    Only for Activatie's app: the HTTP benchmark runs a hello-world under this same file.
    """
    if getattr(worker.wsgi, "import_name", None) != "activatie":
        return
    from activatie.views.matching import warm_up

    warm_up(worker.wsgi)
