"""The optional local model tier (llama.cpp)."""
