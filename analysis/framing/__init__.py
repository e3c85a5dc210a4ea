"""Framing analytics: quotes and sources, labels, keyness, frames, claims, salience, human coding."""
