"""Notifications: each user's inbox, and the e-mail outbox that `flask send-mail` empties."""
