"""RSS 2.0 and Atom feeds of the reader site's lists, built with django.contrib.syndication."""
