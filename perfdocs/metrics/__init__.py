"""Team signals: DORA metrics from git, KPI series and metric governance."""
