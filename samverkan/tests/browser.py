"""Browser fixtures (Playwright with Debian's Chromium) and the axe-core accessibility check."""
