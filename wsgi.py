"""The WSGI entry point for production: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Configuration comes from the environment (``SECRET_KEY``, ``DATABASE_URL``, ``ACTIVATIE_*``; see
the README). Run ``flask --app activatie db upgrade`` before starting the workers: they hold no
state of their own, so any number can run side by side.
"""

from activatie import create_app

app = create_app()
