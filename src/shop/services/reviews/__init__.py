"""Use cases of reviews: writing and deleting them, and reading them with verified purchases."""
