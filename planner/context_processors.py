from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

from planner.models import Membership


class Navigation:
    """The businesses in the switcher, each with its unread notifications (the bell): one
    query, only on pages that render the navbar. Counting per membership means nothing of a
    business the user has left is ever counted."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def memberships(self):
        from planner.teamwork.models import Notification

        unread = (
            Notification.objects.filter(
                user=self.user, business=OuterRef("business_id"), read_at__isnull=True
            )
            .order_by()
            .values("business")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return list(
            Membership.objects.filter(user=self.user)
            .select_related("business")
            .annotate(unread=Coalesce(Subquery(unread), 0))
            .order_by("business__name")
        )

    @cached_property
    def unread(self):
        return sum(m.unread for m in self.memberships)


def navigation(request):
    if not request.user.is_authenticated:
        return {}
    return {"nav": Navigation(request.user)}
