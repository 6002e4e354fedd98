"""@mentions in a comment: which usernames it names. Pure: the services check them against the
business's members."""

import re

# A mention starts at "@" not preceded by a word character (so "ann@example.com" is no mention)
# and takes the characters Django allows in usernames; a trailing full stop or comma ends the
# sentence, not the name.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")
MAX_MENTIONS = 20


def mentioned(text):
    """The usernames `text` mentions, in order, each once (case kept as typed)."""
    names, seen = [], set()
    for match in MENTION.finditer(text or ""):
        name = match.group(1).rstrip(".,")
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names
