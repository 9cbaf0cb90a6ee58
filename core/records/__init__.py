"""Records the stores read and write for the domain layer: shopper feedback and size offsets (feedback.py),
sales history (sales.py). They live here, below storage, so that core/storage knows no domain package."""
