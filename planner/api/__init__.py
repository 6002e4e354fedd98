"""The REST API under /api/v1/ (Django REST framework), its OpenAPI schema and reference page,
and the business's API keys.

- models: ApiKey (hashed, scoped, expiring, revocable)
- keys: creating, revoking and authenticating keys (the writes, each with its activity row)
- access: the one helper that turns a URL's business id into the caller's role there
- forms_bridge: JSON bodies through the web app's own forms (one copy of every rule)
- views: the resources; key_views: the owner's page of keys
"""
