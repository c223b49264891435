"""baocao."""
