import re
import subprocess
from pathlib import Path

from django.urls import reverse

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def entries(text: str):
    """(msgid, msgstrs, flags) for each entry of a .po file, header excluded."""
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line and not line.startswith("#~")]
        if not lines:
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        body = "\n".join(line for line in lines if not line.startswith("#"))
        msgid = "".join(re.findall(r'"(.*)"', body.split("msgstr")[0].split("msgid_plural")[0]))
        strs = re.split(r"msgstr(?:\[\d\])?", body)[1:]
        yield msgid, ["".join(re.findall(r'"(.*)"', s)) for s in strs], flags


def test_russian_catalogue_is_complete():
    missing, fuzzy = [], []
    for msgid, strs, flags in entries(CATALOGUE.read_text(encoding="utf-8")):
        if not msgid:
            continue
        if "fuzzy" in flags:
            fuzzy.append(msgid)
        if any(not s for s in strs):
            missing.append(msgid)
    assert not fuzzy, f"fuzzy translations: {fuzzy[:10]}"
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:10]}"


def test_russian_catalogue_passes_msgfmt_check():
    # Russian has four plural forms; an entry with three compiles but msgfmt --check refuses it.
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_login_page_speaks_russian_by_default(client, settings):
    settings.LANGUAGE_CODE = "ru"
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Войти" in response.text
    assert "Забыли пароль?" in response.text


def test_language_switch_to_english_and_back(client, newcomer):
    client.force_login(newcomer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "My training" in client.get(reverse("learner_dashboard")).text
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert "Моё обучение" in client.get(reverse("learner_dashboard")).text
