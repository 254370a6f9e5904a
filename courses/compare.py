"""A learner-readable comparison of two revisions of a lesson, block by block, in plain text.

Wagtail's admin comparison (wagtail.admin.compare) matches stream blocks across revisions by their
ids; we reuse that matching and its word diff, but render every block as plain text ourselves: the
admin's HTML rendering of embeds and images would fetch remote oEmbed data or create renditions.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html import unescape

from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.admin.compare import StreamBlockComparison, diff_text
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

from .models import LessonPage

_BLOCK_END = re.compile(r"</(p|li|h[1-6]|tr|div|blockquote)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)


def _text_from_html(html: str) -> str:
    # Paragraphs and list items stay on their own lines, so the diff reads like the lesson.
    text = unescape(strip_tags(_BLOCK_END.sub("\n", html)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def block_text(block: blocks.Block, value) -> str:
    """The plain text a reader sees for one block value; one line per item."""
    if value is None:
        return ""
    if isinstance(block, blocks.StructBlock):
        lines = []
        for name, child in block.child_blocks.items():
            text = block_text(child, value.get(name))
            if text:
                lines.append(f"{child.label}: {text}" if "\n" not in text else f"{child.label}:\n{text}")
        return "\n".join(lines)
    if isinstance(block, blocks.ListBlock):
        # Bullets, not numbers: inserting one step must not show every later step as changed.
        return "\n".join("• " + block_text(block.child_block, item).replace("\n", "; ") for item in value)
    if isinstance(block, blocks.StreamBlock):
        return "\n".join(block_text(child.block, child.value) for child in value)
    if isinstance(block, blocks.RichTextBlock) or isinstance(value, RichText):
        return _text_from_html(value.source if isinstance(value, RichText) else str(value))
    if isinstance(block, TableBlock):
        rows = (value or {}).get("data") or []
        return "\n".join(" | ".join(str(cell or "") for cell in row) for row in rows)
    if isinstance(block, (ImageChooserBlock, DocumentChooserBlock)):
        return str(value.title)
    if isinstance(block, EmbedBlock):
        return value.url
    if isinstance(block, blocks.ChoiceBlock):
        return str(dict(block.field.choices).get(value, value))
    if isinstance(block, blocks.BooleanBlock):
        return _("yes") if value else _("no")
    return str(value).strip()


def _word_diff(old: str, new: str) -> SafeString:
    parts = []
    for kind, words in diff_text(old, new).changes:
        template = {"addition": "<ins>{}</ins>", "deletion": "<del>{}</del>"}.get(kind, "{}")
        parts.append(format_html(template, words))
    return format_html_join("", "{}", ((p,) for p in parts))


def diff_html(old: str, new: str) -> SafeString:
    """Line by line (a step, a key point, a paragraph), then word by word inside a changed line:
    whole new lines in <ins>, whole removed lines in <del>. Line breaks are kept by CSS."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    lines = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_lines, new_lines).get_opcodes():
        if op == "equal":
            lines.extend(format_html("{}", line) for line in old_lines[i1:i2])
        elif op == "replace" and i2 - i1 == j2 - j1:
            lines.extend(_word_diff(a, b) for a, b in zip(old_lines[i1:i2], new_lines[j1:j2], strict=True))
        else:
            lines.extend(format_html("<del>{}</del>", line) for line in old_lines[i1:i2])
            lines.extend(format_html("<ins>{}</ins>", line) for line in new_lines[j1:j2])
    return format_html_join("\n", "{}", ((line,) for line in lines))


@dataclass(frozen=True)
class BlockChange:
    kind: str  # "added", "removed", "changed"
    label: str
    old_text: str
    new_text: str

    @property
    def diff(self) -> SafeString:
        return diff_html(self.old_text, self.new_text)


@dataclass(frozen=True)
class LessonChanges:
    title: BlockChange | None
    summary: BlockChange | None
    blocks: list[BlockChange]
    unchanged_blocks: int

    @property
    def has_changes(self) -> bool:
        return bool(self.title or self.summary or self.blocks)


def _field_change(label: str, old: str, new: str) -> BlockChange | None:
    if (old or "") == (new or ""):
        return None
    return BlockChange(kind="changed", label=label, old_text=old or "", new_text=new or "")


def lesson_changes(old: LessonPage, new: LessonPage) -> LessonChanges:
    stream_block = LessonPage._meta.get_field("body").stream_block
    comparison = StreamBlockComparison(stream_block, True, True, old.body, new.body)
    changes, unchanged = [], 0
    for item in comparison.get_block_comparisons():
        label = str(item.block.label)
        if item.is_new():
            changes.append(BlockChange("added", label, "", block_text(item.block, item.val_b)))
            continue
        if item.is_deleted():
            changes.append(BlockChange("removed", label, block_text(item.block, item.val_a), ""))
            continue
        old_text, new_text = block_text(item.block, item.val_a), block_text(item.block, item.val_b)
        if old_text == new_text:
            unchanged += 1
        else:
            changes.append(BlockChange("changed", label, old_text, new_text))
    return LessonChanges(
        title=_field_change(_("Title"), old.title, new.title),
        summary=_field_change(_("Summary"), old.summary, new.summary),
        blocks=changes,
        unchanged_blocks=unchanged,
    )
