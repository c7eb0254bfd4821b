"""The promotion and review process: readiness, reviews, the advisory score, calibration;
drafts of packets and reviews; the reports of each."""
