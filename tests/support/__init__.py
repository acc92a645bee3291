"""Helpers shared by every kind of test."""
