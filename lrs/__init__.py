"""Lernspur: the xAPI learning-record store and the web application."""
