from django.core.exceptions import ValidationError
from django.db import transaction

from planner import rollups, services
from planner.compose.models import MAX_SNIPPETS, Snippet


@transaction.atomic
def snippet_save(snippet, seen_version=None):
    """Save a template or hashtag group unless someone saved it first; a business keeps at
    most MAX_SNIPPETS (counted under the business's lock, so two saves cannot pass it)."""
    rollups.lock(snippet.business_id)
    if snippet.pk is None:
        count = Snippet.objects.filter(business_id=snippet.business_id).count()
        if count >= MAX_SNIPPETS:
            raise ValidationError(
                f"A business keeps at most {MAX_SNIPPETS} templates and hashtag groups: "
                "delete one first."
            )
    services.claim_version(snippet, seen_version)
    snippet.save()
    return snippet
