"""Where the Flask application factory is found: ``mel.app:create_app`` (wsgi, tests, docs).

The factory itself lives with the rest of the web layer, in `mel.web.app`, so that no
module outside `mel.web` imports Flask.
"""

from mel.web.app import create_app

__all__ = ["create_app"]
