"""WSGI entry point for gunicorn: `gunicorn 'mel.wsgi:app'` (settings from MEL_*)."""

from mel.app import create_app

app = create_app()
