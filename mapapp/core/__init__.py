"""The vocabulary every wing shares: the data model, typed errors, dates as day spans, links.

Imports nothing of mapapp.
"""
