"""Inter-observer reliability of paired sessions (issue 11, item 3).

- `stats`: Cohen's kappa for codings, ICC(2,1) with the mean absolute difference and the share
  within ±10 % for counts, and the Landis & Koch bands;
- `pairs`: which sessions two observers held together (same site, overlapping, a common zone);
- `matching`: one-to-one matching of their records by zone and time;
- `records`: the encounters and scans of paired sessions as plain values;
- `report`: the agreement overall and per observer pair, and its JSON;
- `words`: names, bands and edge cases in the user's language.

The page is research/reliability.py; the command `flask reliability` is cli_reliability.py.
"""
