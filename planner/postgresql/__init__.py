"""Django's PostgreSQL backend with a client-side deadline: see base.py and settings.DATABASES."""
