"""The JSON API for case and finance systems, and the tokens that open it."""
