"""gunicorn's settings for the cockpit: `gunicorn -c gunicorn.conf.py app:server`.

Workers boot on their own (app.create_app checks the schema and refuses a missing or empty
database; deploy/README: `flask --app app db upgrade` first). Chosen for this app (issue 16):

- **sync workers behind nginx** (deploy/nginx.conf). nginx reads each request whole and each
  response whole (buffering) before a worker is involved, so a worker only ever waits for the
  database, never for a client. Measured on the 2-core box, 4 workers, /health probed 10 times
  while slow clients trickled a header line a second: straight at gunicorn, 5 clients made 5 of
  10 probes time out (12 s) with sync workers, and gthread (4 threads) lost 4 of 10 to 8 clients;
  20 clients stopped either. Behind deploy/nginx.conf, 100 slow clients: /health 2 ms median,
  5 ms max. No worker class protects an app exposed directly; the proxy does, so the simplest
  one runs behind it. A view is CPU work in Python (pandas, figure dicts) under the GIL: threads
  would add little throughput.
- **workers = 2 per core** (4 on the 2-core box; WEB_CONCURRENCY overrides). Each holds its
  own engine pool and, without Redis, its own view cache.
- **timeout 60 s**, above COCKPIT_STATEMENT_TIMEOUT_MS (15 s by default): a slow query ends with
  "查询超时" in the page long before gunicorn would kill the worker ("WORKER TIMEOUT");
  tests/test_worker_timeout.py runs this file on PostgreSQL with a query that sleeps past both.
  Keep the order statement timeout < timeout < nginx's proxy_read_timeout (tests/test_deploy.py).
- **max_requests** with jitter: a worker is replaced now and then, so no slow growth in memory
  outlives a day; the jitter keeps the workers from restarting together.
"""
import multiprocessing
import os

import gunicorn.http.wsgi

# No version banner in the Server header (gunicorn names itself and its version by default).
gunicorn.http.wsgi.SERVER = "cockpit"

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8050")  # nginx in front; never 0.0.0.0
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
timeout = 60
graceful_timeout = 30
keepalive = 2  # sync workers close after each response; nginx opens a connection per request
max_requests = 20_000
max_requests_jitter = 2_000
# nginx on the same host sets X-Forwarded-For/-Proto; gunicorn trusts them only from there.
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"
