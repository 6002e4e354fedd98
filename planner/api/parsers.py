"""JSON bodies: DRF's parser, refusing what Python's json takes but JSON is not (NaN,
Infinity), strings no database stores (lone surrogates) and nesting deep enough to exhaust
the parser's recursion (a 500 otherwise)."""

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream else ""
            data = json.loads(text, parse_constant=_no_constant)
            # A lone surrogate ("\\ud800") parses but cannot be stored or written out again.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
            return data
        except RecursionError:  # the C scanner stops at Python's recursion limit, at once
            raise ParseError("JSON nested this deep is refused.") from None
        except ValueError as error:  # includes UnicodeDecodeError and UnicodeEncodeError
            raise ParseError(f"JSON parse error: {error}") from None


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")
