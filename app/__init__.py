"""Rammeudbud: framework tenders, call-offs and spend for the employment regions and jobcentres.

The application factory is app.factory.create_app; this package file imports nothing, so a
domain module's `from app import clock` loads only the clock.
"""
