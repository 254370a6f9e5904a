"""The learner's comparison of two lesson revisions, in plain text, block by block."""

import pytest

from courses.compare import block_text, diff_html, lesson_changes
from courses.models import LessonPage

pytestmark = pytest.mark.django_db


def lesson(blocks, **fields) -> LessonPage:
    return LessonPage(
        title=fields.pop("title", "Lesson"), summary=fields.pop("summary", ""), body=blocks, **fields
    )


def raw(kind, value, block_id):
    return {"type": kind, "value": value, "id": block_id}


STEPS = {
    "title": "No service",
    "steps": [
        {
            "type": "item",
            "id": "s1",
            "value": {"action": "Check the balance", "check": "Positive", "if_fails": "Top up"},
        },
        {"type": "item", "id": "s2", "value": {"action": "Reboot", "check": "", "if_fails": ""}},
    ],
}


def test_unchanged_lesson_has_no_changes():
    blocks = [raw("rich_text", "<p>Same</p>", "a")]
    changes = lesson_changes(lesson(blocks), lesson(blocks))
    assert not changes.has_changes
    assert changes.unchanged_blocks == 1


def test_added_removed_and_changed_blocks_are_told_apart():
    old = lesson(
        [
            raw("rich_text", "<p>Keep me</p>", "keep"),
            raw("callout", {"kind": "tip", "title": "Old tip", "text": "<p>Gone</p>"}, "gone"),
            raw("procedure", STEPS, "steps"),
        ]
    )
    new_steps = {
        **STEPS,
        "steps": [
            *STEPS["steps"],
            {
                "type": "item",
                "id": "s3",
                "value": {"action": "Check the number format", "check": "", "if_fails": ""},
            },
        ],
    }
    new = lesson(
        [
            raw("rich_text", "<p>Keep me</p>", "keep"),
            raw("procedure", new_steps, "steps"),
            raw("response_template", {"situation": "Thanks", "answer": "Glad to help!", "note": ""}, "new"),
        ],
        summary="Now with the number format",
    )
    changes = lesson_changes(old, new)
    assert [(c.kind, c.label) for c in changes.blocks] == [
        ("removed", "Callout"),
        ("changed", "Troubleshooting procedure"),
        ("added", "Response template"),
    ]
    assert changes.unchanged_blocks == 1
    assert changes.summary.new_text == "Now with the number format"
    procedure = changes.blocks[1]
    assert "<ins>• Step: Check the number format</ins>" in procedure.diff
    assert "<del>" not in procedure.diff  # earlier steps keep their place: nothing shown as removed
    assert "Glad to help!" in changes.blocks[2].new_text


def test_block_text_reads_like_the_lesson():
    stream = LessonPage._meta.get_field("body").stream_block
    table = stream.child_blocks["table"]
    value = table.to_python({"caption": "SLA", "table": {"data": [["Line", "Answer"], ["First", "5 min"]]}})
    assert block_text(table, value) == "Caption: SLA\nTable:\nLine | Answer\nFirst | 5 min"
    callout = stream.child_blocks["callout"]
    value = callout.to_python(
        {"kind": "rule", "title": "", "text": "<p>Never</p><ul><li>a</li><li>b</li></ul>"}
    )
    assert block_text(callout, value) == "Kind: Rule\nText:\nNever\na\nb"
    video = stream.child_blocks["video"]
    assert block_text(video, video.to_python({"video": "https://example.com/v", "caption": ""})) == (
        "Video URL: https://example.com/v"
    )


def test_diff_html_escapes_the_text():
    html = diff_html("<b>old</b>", "<b>new</b>")
    assert "<b>" not in html
    assert html.startswith("&lt;b&gt;<del>old")
    assert "<ins>new" in html
