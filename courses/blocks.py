"""StreamField blocks made for support training. Each has its own template in templates/blocks/."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

# Our stylesheet and copy-button script around the block, so the admin preview looks like the lesson.
PREVIEW_TEMPLATE = "blocks/preview.html"


class PreviewFromLibraryMixin:
    """Image and document blocks preview with the newest file of the library, when there is one."""

    preview_field = ""
    preview_extra: dict = {}

    @property
    def is_previewable(self) -> bool:
        return True

    def get_preview_value(self):
        model = self.child_blocks[self.preview_field].target_model
        item = model.objects.order_by("-pk").first()
        return self.normalize({self.preview_field: item, **self.preview_extra})


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"), choices=[("h2", _("Section")), ("h3", _("Subsection"))], default="h2"
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A section title; it also appears in the lesson's contents.")
        preview_value = {"text": "Восстановление доступа без автоматических средств", "level": "h2"}


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("rule", _("Rule"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "blocks/callout.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A tip, a warning or a rule the agent must never break.")
        preview_value = {
            "kind": "rule",
            "title": "Чужой аккаунт",
            "text": "<p>Никогда не давайте доступ к чужому почтовому ящику, какой бы ни была история.</p>",
        }


class ResponseTemplateBlock(blocks.StructBlock):
    situation = blocks.CharBlock(label=_("Situation"), max_length=300)
    answer = blocks.TextBlock(
        label=_("Answer"),
        help_text=_("The canned answer. Mark placeholders like [customer name] or [date]."),
    )
    note = blocks.TextBlock(label=_("When to use it"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Response template")
        template = "blocks/response_template.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A canned answer with placeholders; readers get a copy button.")
        preview_value = {
            "situation": "Клиент поблагодарил и вопросов больше нет",
            "answer": "Рады были помочь, [имя клиента]! Если появятся вопросы, просто напишите нам.",
        }


class ProcedureStepBlock(blocks.StructBlock):
    action = blocks.CharBlock(label=_("Step"), max_length=300)
    check = blocks.CharBlock(label=_("How to check"), max_length=300, required=False)
    if_fails = blocks.CharBlock(label=_("If it fails"), max_length=300, required=False)

    class Meta:
        icon = "arrow-right"
        label = _("Step")


class ProcedureBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    steps = blocks.ListBlock(ProcedureStepBlock(), label=_("Steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Troubleshooting procedure")
        template = "blocks/procedure.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Ordered steps, each with a check and what to do if it fails.")
        preview_value = {
            "title": "Нет связи",
            "steps": [
                {"action": "Проверьте баланс", "check": "Баланс положительный", "if_fails": "Пополните счёт"},
                {"action": "Проверьте подключение к интернету", "check": "", "if_fails": ""},
                {"action": "Перезагрузите оборудование", "check": "", "if_fails": ""},
            ],
        }


class KeyPointBlock(blocks.StructBlock):
    point = blocks.CharBlock(label=_("Key point"), max_length=300)
    detail = blocks.TextBlock(label=_("What the mentor should check"), required=False)

    class Meta:
        icon = "tick"
        label = _("Key point")


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200, required=False)
    points = blocks.ListBlock(KeyPointBlock(), label=_("Points"), min_num=1)

    class Meta:
        icon = "tick-inverse"
        label = _("Key points")
        template = "blocks/key_points.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("What the mentor must go over with the newcomer in the joint review.")
        preview_value = {
            "title": "Ключевые моменты",
            "points": [{"point": "Подтвердить, что обратившийся — владелец ящика", "detail": ""}],
        }


class CaptionedImageBlock(PreviewFromLibraryMixin, blocks.StructBlock):
    preview_field = "image"
    preview_extra = {"caption": "Личный кабинет: вкладка «Пароль»", "alt": ""}

    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)
    alt = blocks.CharBlock(
        label=_("Text alternative"),
        required=False,
        max_length=300,
        help_text=_("Describe the image for people who cannot see it."),
    )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A screenshot or diagram with a caption.")


class DocumentBlock(PreviewFromLibraryMixin, blocks.StructBlock):
    preview_field = "document"
    preview_extra = {"title": "Памятка для первой линии"}

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "blocks/document.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A file to download: an instruction, a form, a price list.")


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video URL"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("An embedded video.")
        preview_value = {"video": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "caption": "Видеоинструкция"}


class CaptionedTableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)
    table = TableBlock(label=_("Table"))

    class Meta:
        icon = "table"
        label = _("Table")
        template = "blocks/table.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A table, e.g. SLA norms per line.")
        preview_value = {
            "caption": "Нормативы SLA",
            "table": {
                "first_row_is_table_header": True,
                "data": [["Линия", "Ответ"], ["Первая", "5 минут"], ["Вторая", "10 минут"]],
            },
        }


class LessonStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        label=_("Text"),
        icon="pilcrow",
        template="blocks/rich_text.html",
        features=["h3", "h4", "bold", "italic", "link", "ol", "ul", "hr", "code"],
        description=_("Paragraphs, lists and links."),
        preview_value="<p>Первая линия принимает почти все обращения.</p>",
        preview_template=PREVIEW_TEMPLATE,
    )
    heading = HeadingBlock()
    callout = CalloutBlock()
    response_template = ResponseTemplateBlock()
    procedure = ProcedureBlock()
    key_points = KeyPointsBlock()
    image = CaptionedImageBlock()
    document = DocumentBlock()
    video = VideoBlock()
    table = CaptionedTableBlock()
