"""The promotion and review process: readiness, reviews, the advisory score, calibration."""
