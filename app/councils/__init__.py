"""The councils' register: meetings, decisions and the annual minister–council contracts."""
