from __future__ import annotations

from wagtail.admin.forms import WagtailAdminPageForm


class LessonPageForm(WagtailAdminPageForm):
    """The lesson editor's form. "Minor change" starts unticked on every edit: it describes this one
    publish, so the previous editor's choice must never carry over silently."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "minor_change" in self.fields:
            self.initial["minor_change"] = False
            self.fields["minor_change"].initial = False
