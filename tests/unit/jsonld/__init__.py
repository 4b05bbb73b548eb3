"""Tests of badges.jsonld: bundled contexts, the static loader and safe RDF conversion."""
