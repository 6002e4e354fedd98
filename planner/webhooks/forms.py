"""The owner's form for a new webhook."""

from django import forms

from planner.webhooks import sending
from planner.webhooks.events import EVENTS
from planner.webhooks.models import Subscription


class SubscriptionForm(forms.Form):
    url = forms.URLField(
        label="Payload URL",
        max_length=Subscription._meta.get_field("url").max_length,
        assume_scheme="https",
        help_text="Where the planner POSTs each event as JSON: an n8n, Zapier or Make hook, a "
        "chat channel's incoming webhook, your own endpoint.",
    )
    events = forms.MultipleChoiceField(
        choices=list(EVENTS.items()), widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        max_length=200, required=False, help_text="For you: what it feeds."
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            sending.check_url(url)
        except sending.Refused as refused:
            raise forms.ValidationError(str(refused)) from None
        return url

    def clean(self):
        cleaned = super().clean()
        count = Subscription.objects.filter(business=self.business).count()
        from planner.webhooks.services import MAX_SUBSCRIPTIONS

        if count >= MAX_SUBSCRIPTIONS:
            raise forms.ValidationError(
                f"A business has at most {MAX_SUBSCRIPTIONS} webhooks: delete one first."
            )
        return cleaned
