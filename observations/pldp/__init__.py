"""The Gehl Public Life Data Protocol (PLDP) 1.0: single-table export and import."""
