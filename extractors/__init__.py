"""conflict-kg: extractors."""
