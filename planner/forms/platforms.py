"""A business's profiles on the social networks."""

from django import forms

from planner.forms.base import VersionedForm
from planner.models import Platform


class PlatformForm(VersionedForm):
    class Meta:
        model = Platform
        fields = ("kind", "handle", "profile_url", *Platform.CHECKLIST)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business

    def clean_handle(self):
        handle = self.cleaned_data["handle"].strip().lstrip("@").strip()
        if not handle:
            raise forms.ValidationError("Enter the profile's handle.")
        return handle

    def clean(self):
        cleaned = super().clean()
        kind, handle = cleaned.get("kind"), cleaned.get("handle")
        if kind and handle:
            # Compared in Python: SQLite's case folding is ASCII-only ("CAFÉ" vs "Café").
            others = Platform.objects.for_business(self.business).filter(kind=kind)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            taken = {other.casefold() for other in others.values_list("handle", flat=True)}
            if handle.casefold() in taken:
                self.add_error("handle", "This business already has this profile.")
        return cleaned
