"""What the site-generation wizard knows about small businesses: each sector's configuration (palette,
sections, features, sample products with INR price ranges and units, keywords) and the words of the
generated websites in English, Hindi and Hinglish. Data files live in knowledge/data/sites/."""
