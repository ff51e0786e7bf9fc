"""Specialist knowledge the region makes reachable for its jobcentres: a directory and requests."""
