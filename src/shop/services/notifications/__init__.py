"""Notifications: the emails Shop sends."""
