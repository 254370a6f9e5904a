from django.urls import reverse


def test_front_end_pages_carry_a_strict_content_security_policy(client, newcomer):
    client.force_login(newcomer)
    policy = client.get(reverse("learner_dashboard"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "object-src 'none'" in policy


def test_wagtail_admin_gets_its_looser_policy(client, editor):
    client.force_login(editor)
    policy = client.get(reverse("wagtailadmin_home"))["Content-Security-Policy"]
    assert "'unsafe-inline'" in policy


def test_login_page_has_no_inline_script(client, db):
    html = client.get(reverse("login")).text
    for chunk in html.split("<script")[1:]:
        assert chunk.lstrip().startswith("src="), "inline <script> on the login page"
    assert " style=" not in html
