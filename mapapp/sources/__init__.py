"""Article files: front matter and body, and sentences numbered by one segmenter.

Imports mapapp.core only.
"""
