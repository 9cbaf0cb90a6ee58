"""Merchant pricing: sales-history events, their storage and bulk import (issue 6)."""
