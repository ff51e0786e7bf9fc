"""The two state grants a region administers on its council's decisions, and their projects."""
