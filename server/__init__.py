"""conflict-kg: server."""
