"""People who sign in to the web pages: programme managers and administrators."""
