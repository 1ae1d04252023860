"""HTTP front door: the JSON API under /api and the server-rendered pages."""
