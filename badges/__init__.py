"""Competence validation paths and Open Badges 3.0 credentials.

Importing this package does nothing else: ``badges.ob3`` and the verifier must be usable without
Flask, so the application factory lives in :mod:`badges.app`.
"""

__version__ = "0.1.0"
