"""Users, roles, login, and the access rules every view declares."""
