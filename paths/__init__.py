"""Validation paths: framework, evidence, assessor review, certification (issue #6).

Nothing here yet; the package exists so that the layer contracts already hold it in its place.
"""
