from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

from planner.models import Membership

# The navigation's sections, by the start of the URL names of their pages ("smo_detail" is in
# "smo"), so that the bar marks where one is (aria-current).
SECTIONS = ("dashboard", "calendar", "smo", "smm", "campaign", "platform", "member")
INSIGHTS = ("goal", "insights", "scenario")  # the "Insights" section's pages


def section_of(url_name):
    head = (url_name or "").split("_", 1)[0]
    if head in INSIGHTS:
        return "insights"
    return head if head in SECTIONS else None


class Navigation:
    """The businesses in the switcher, each with its unread notifications (the bell): one
    query, only on pages that render the navbar. Counting per membership means nothing of a
    business the user has left is ever counted."""

    def __init__(self, user, url_name=None):
        self.user = user
        self.section = section_of(url_name)

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
    match = getattr(request, "resolver_match", None)
    return {"nav": Navigation(request.user, match and match.url_name)}
