"""Validate: the report format, all problems of all reports at once.

load, schema, body, images, privacy, countries, and the cache of unchanged results.
"""
