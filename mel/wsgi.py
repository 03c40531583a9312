"""WSGI entry point: `gunicorn -c python:mel.web.gunicorn_conf 'mel.wsgi:app'` (settings: MEL_*)."""

from mel.app import create_app

app = create_app()
