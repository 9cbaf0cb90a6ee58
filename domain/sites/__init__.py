"""Store websites for small businesses: the typed spec (spec.py) with its WCAG AA palette (palette.py),
pages rendered from Jinja2 templates (render.py, templates/), self-made SVG images (images.py), the
assembled files, their validation (checks.py: links, lang, viewport, h1, INR, weight; browser.py:
html-validate, axe-core and screenshots in headless Chromium) and publishing a draft as a pakka tenant
(publish.py). graphs/sitegen.py runs them in order."""
