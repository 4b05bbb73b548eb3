"""Entry point of the worker fleet: ``celery -A badges.worker worker``.

Building the app here, at import, is this module's whole purpose (Flask's ``make_celery.py``).
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from badges.app import create_app
from badges.celery import CELERY_EXTENSION
from issuer.tasks import BEAT_SCHEDULE

flask_app = create_app()
celery_app: Celery[Any] = flask_app.extensions[CELERY_EXTENSION]
#: Periodic recovery; it runs only where the deployment starts ``celery -A badges.worker beat``.
celery_app.conf.beat_schedule = {**(celery_app.conf.beat_schedule or {}), **BEAT_SCHEDULE}
