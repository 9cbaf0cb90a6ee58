"""Identity: phone sign-in with one-time codes, signed access tokens, rotating refresh tokens, merchants' API
keys and role grants (service.py); the SMS senders (senders.py); token signing (tokens.py)."""
