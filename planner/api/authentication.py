"""Who is calling: an API key (`Authorization: Bearer cp_…`), or a logged-in session."""

from rest_framework import authentication, exceptions

from planner.api import keys, throttling


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """The key's creator is `request.user` (their name goes on what the key writes); the key
    itself, `request.auth`, decides the business and the role (planner/api/access.py)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the key as “Authorization: Bearer cp_…”.")
        try:
            key = keys.authenticate(header[1].decode("ascii", errors="replace"))
        except keys.KeyRefused as refused:
            throttling.count_failed_key(request)
            raise exceptions.AuthenticationFailed(str(refused)) from None
        if key.created_by is None:  # its creator's account was deleted
            raise exceptions.AuthenticationFailed("This API key's owner no longer exists.")
        return key.created_by, key

    def authenticate_header(self, request):
        return self.keyword  # so that a missing key is a 401 with WWW-Authenticate


class SessionAuthentication(authentication.SessionAuthentication):
    """The app's own pages call the API with the session cookie, and DRF checks their CSRF
    token on every write (a key, sent by a script, needs none)."""
