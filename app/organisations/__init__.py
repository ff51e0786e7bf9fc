"""Organisations: employment regions and their councils, jobcentres, ministries, the authority."""
