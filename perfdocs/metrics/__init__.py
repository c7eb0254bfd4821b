"""Team signals: DORA metrics from git and KPI series (metric governance is a rule family: perfdocs.rules.governance)."""
