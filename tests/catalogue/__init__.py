"""The catalogue: products, parts, van stock."""
