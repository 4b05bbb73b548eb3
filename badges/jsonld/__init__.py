"""JSON-LD for Open Badges 3.0: the bundled contexts, a static loader and safe RDF conversion.

``contexts`` pins the accepted context IRIs to bundled bytes, ``loader`` serves them (and nothing
else) to pyld, and ``rdf`` turns a compact document into quads in safe mode.
"""
