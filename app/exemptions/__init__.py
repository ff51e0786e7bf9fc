"""Exemptions: a jobcentre freed, for a period, from the duty to use a framework."""
