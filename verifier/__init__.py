"""The public verifier: any Open Badges 3.0 credential, checked in spec order (issue #5).

Nothing here yet; the package exists so that the layer contracts already hold it in its place.
"""
