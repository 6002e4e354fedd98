from planner.models import Membership


def navigation(request):
    """The businesses in the switcher; one query, only on pages that render the navbar."""
    if not request.user.is_authenticated:
        return {}

    def memberships():
        return list(
            Membership.objects.filter(user=request.user)
            .select_related("business")
            .order_by("business__name")
        )

    return {"nav_memberships": memberships}
