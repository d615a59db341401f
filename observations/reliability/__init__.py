"""Inter-observer reliability of paired sessions (issue 11, item 3).

So far only the statistics (`stats`): Cohen's kappa for codings, ICC(2,1) with the mean
absolute difference and the share within ±10 % for counts, and the Landis & Koch bands. The
matching of paired sessions (encounters within a time tolerance in the same zone, scans by zone
and time), the page for leads and the `flask reliability` command come later.
"""
