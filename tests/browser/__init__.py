"""Browser tests: the real pages in the system Chromium, driven by Playwright, as a user would."""
