"""One catalogue per language other than English (English is the code's own text).

Each module has MESSAGES (English template -> translation, same placeholders) and LABELS (code
group -> code -> label). tests/test_language.py fails when an entry is missing or stale.
"""
