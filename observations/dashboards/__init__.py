"""The research dashboards' figures: indicator results turned into figures, charts and words.

The indicators (observations.indicators) compute; this package names their codes in the
user's language (labels), reads the filters from the query string (filtering), makes one
figure per chart (panels, site, compare) and describes the filters (describe).
"""
