"""A fast, exact JSON-LD -> RDF path for the document shapes credentials use.

``contexts`` compiles pyld's processed active contexts into per-context lookup tables (kept on
the loader), ``expand`` expands a compact document the way pyld's ``_expand`` does for the
supported shapes, and ``emit`` builds pyld's node map and writes its quads in pyld's order.
Anything outside the supported shapes raises :class:`~badges.jsonld.fastpath.contexts.Unsupported`
and :func:`badges.jsonld.compiled.compiled_quads` hands the document back to pyld.
"""
