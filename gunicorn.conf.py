"""gunicorn's settings for the cockpit: `gunicorn -c gunicorn.conf.py app:server`.

Workers boot on their own (app.create_app checks the schema; an empty database is initialised
by one of them under a lock). Issue 16 tunes the worker class and timeouts for production.
"""
import gunicorn.http.wsgi

# No version banner in the Server header (gunicorn names itself and its version by default).
gunicorn.http.wsgi.SERVER = "cockpit"

bind = "127.0.0.1:8050"
workers = 4
timeout = 60
