"""The Fever API at /api/fever/ for older reader apps (Unread, Fiery Feeds, Reeder classic).

Miniflux's Fever handler is the reference behaviour. Like the Google Reader API beside it, this is a thin
layer over accounts (follows, saved = saved, reading state) and articles; this package only translates
the protocol's ids and shapes.
"""
