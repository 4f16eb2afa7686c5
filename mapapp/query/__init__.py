"""What a request asks of the data: layer listings, view filters, spatial index, exports.

Imports core, sources and store.
"""
