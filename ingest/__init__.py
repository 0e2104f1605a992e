"""Turning untrusted bytes and URLs into document text; never imports discord."""
