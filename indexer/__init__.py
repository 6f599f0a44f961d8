"""Vietnamese analysis and the Whoosh index: building, updating and searching it."""
