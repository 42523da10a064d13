"""Built-in assessment templates, shipped as package data."""
