"""Diversion red flags with their evidence (DOMAIN.md's catalogue), scored per subject."""
