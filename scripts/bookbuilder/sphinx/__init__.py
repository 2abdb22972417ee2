"""Build: the Sphinx side (one extension, ``extension.setup``), its settings, the builders."""
