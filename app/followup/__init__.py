"""Following up on the jobcentres' results: indicators, thresholds and reactions."""
