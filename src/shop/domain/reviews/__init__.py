"""Reviews of products: their rules, how authors are named, and the rating summary."""
