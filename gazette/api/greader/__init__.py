"""The Google Reader API at /api/greader/, as FreshRSS and Inoreader implement it, for reader apps.

Thin views over accounts (follows, saved = starred, reading state) and articles; this package only
translates the protocol's ids, streams and item shapes.
"""
