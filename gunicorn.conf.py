"""gunicorn in production: `gunicorn planner.wsgi -c gunicorn.conf.py`.

Meant to run behind a TLS-terminating proxy (nginx, a load balancer) that buffers requests and
responses, so a slow client never holds a worker. Options given on the command line (or in
GUNICORN_CMD_ARGS) win over this file, e.g. `--workers 1` or `--access-logfile -`.
"""

import os

# Where to listen: GUNICORN_BIND ("127.0.0.1:8000", "unix:/run/planner.sock", several separated
# by commas), else every interface on PORT (what container platforms set), else port 8000.
_bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
bind = [address.strip() for address in _bind.split(",") if address.strip()]

# Sync workers: one request at a time per process, which is what Django's synchronous views and
# CPU-bound pages (the dashboard) want, and the only class whose `timeout` below really kills a
# request that hangs (a threaded worker keeps beating while one of its threads is stuck).
worker_class = "sync"

# 2 per CPU core + 1 (gunicorn's advice for sync workers: while one waits for the database,
# another computes); the docs/performance.md load test ran 4 on 2 cores. At most 12, because
# each worker keeps a database connection open (CONN_MAX_AGE) and PostgreSQL allows 100 by
# default, shared with the job workers and the other app servers. WEB_CONCURRENCY overrides it.
try:
    _cores = len(os.sched_getaffinity(0))  # the cores this process may use (containers too)
except AttributeError:  # not Linux
    _cores = os.cpu_count() or 1
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * _cores + 1, 12)))

# A backstop, not the limit that normally acts: every database wait ends far sooner (a 5 s
# statement timeout, a 3 s connect timeout, and planner.postgresql's deadline on a server that
# never answers: settings.DATABASES), so a database that hangs gives the 503 page in under
# 10 s. The slowest page, a 20 MB ad report checked at upload, takes 2-3 s; the imports
# themselves (ad reports, business exports: minutes for a large one) run as background jobs.
# A worker silent for longer is killed and replaced, and its client gets an error from the
# proxy instead of a page that never comes.
timeout = 30

# On a restart or deploy (SIGTERM, SIGHUP) a worker finishes the request it is serving: as long
# as the longest one may run, so a deploy interrupts nothing that would have finished.
graceful_timeout = 30

# Keep-alive between the proxy and gunicorn: the sync worker closes the connection after each
# response (cheap over the local network to the proxy), so this applies only if a threaded or
# async worker class is chosen on the command line. Then 5 s, a little above what proxies keep
# idle connections to an upstream by default, so gunicorn does not close one being reused.
keepalive = 5

# Recycle each worker after about 1,000 requests, so memory that Python does not give back (a
# 20 MB upload parsed, a large export) cannot pile up; the jitter (0-100 more) keeps the
# workers from restarting all at once. A restart costs one fresh process and connection.
max_requests = 1000
max_requests_jitter = 100

# Request line and headers, before Django sees anything. 8190 bytes for the line (the most
# gunicorn allows, and nginx's default buffer): the live UTM preview sends the task form's
# fields in its query string, which gunicorn's default of 4094 cuts off for a long post.
limit_request_line = 8190
# Browsers send about 15-20 headers and proxies add a few (X-Forwarded-For, -Proto): 50 is
# ample and half gunicorn's default; more is an attack, not a browser.
limit_request_fields = 50
# The largest header is the Cookie (session, CSRF and message cookies, about 3 KB at most):
# gunicorn's default 8190 bytes, the same as nginx's buffer.
limit_request_field_size = 8190

# The workers' heartbeat file in memory (where available): on a container's overlay disk a slow
# write can make a healthy worker look silent and get it killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
