"""Issuers: organisations' keys, signed Open Badges 3.0 credentials, revocation (issue #4).

Nothing here yet; the package exists so that the layer contracts already hold it in its place.
"""
