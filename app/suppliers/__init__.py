"""Suppliers ("other actors"): registration, profile, colleagues, suspension."""
