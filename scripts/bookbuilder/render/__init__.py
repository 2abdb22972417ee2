"""Render: the curated book into the MyST sources, data, charts and covers Sphinx reads."""
