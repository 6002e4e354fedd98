from django import forms
from django.db.models.functions import Lower

from planner import text_rules
from planner.compose.models import HASHTAGS_LENGTH, Snippet, SnippetKind
from planner.forms.base import VersionedForm


class SnippetForm(VersionedForm):
    class Meta:
        model = Snippet
        fields = ("kind", "name", "text")
        labels = {"kind": "What it is", "text": "Text"}
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "text": "A template: the post's text, inserted where the cursor is. A hashtag "
            "group: hashtags separated by spaces or commas, added to the post's hashtags."
        }

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.instance.business = business
        if self.instance.pk:  # what it is stays what it is: a new one is made instead
            self.fields["kind"].disabled = True

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        kind = self.cleaned_data.get("kind") or self.instance.kind
        taken = Snippet.objects.for_business(self.business).filter(kind=kind)
        taken = taken.annotate(lower=Lower("name")).filter(lower=name.lower())
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("This business has one of that name already.")
        return name

    def clean(self):
        cleaned = super().clean()
        kind, text = cleaned.get("kind") or self.instance.kind, cleaned.get("text")
        if kind == SnippetKind.HASHTAGS and text is not None:
            tags = text_rules.split_hashtags(text)
            if not tags:
                self.add_error("text", "Give hashtags: each one word of letters, digits or _.")
            elif len(" ".join(tags)) > HASHTAGS_LENGTH:
                self.add_error("text", f"At most {HASHTAGS_LENGTH} characters of hashtags.")
            else:
                cleaned["text"] = " ".join(tags)
        elif text is not None:
            cleaned["text"] = text.replace("\r\n", "\n")  # counted as the networks count
        return cleaned
