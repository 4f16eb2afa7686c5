"""From articles to layers: ingest, build, curation, reference geometry, validation.

Imports core, sources, geoparse and store; writes only through the store.
"""
