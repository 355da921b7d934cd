"""conflict-kg: ontology."""
