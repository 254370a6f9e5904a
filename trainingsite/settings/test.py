from .base import *  # noqa: F403
from .base import TEMPLATES

DEBUG = False
SECRET_KEY = "test-only-not-secret-8d2a5f0c-training-platform"  # noqa: S105
ALLOWED_HOSTS = ["*"]
# Assertions read English; the Russian catalogue is checked by its own tests.
LANGUAGE_CODE = "en"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TEMPLATES[0]["OPTIONS"]["debug"] = True
WAGTAILADMIN_BASE_URL = "http://testserver"
# Serve static files straight from the apps (no collectstatic) for the live-server browser tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# django-axes' backend refuses authenticate() calls without a request, which the test client's
# login() makes; tests/trainingsite/test_login_throttle.py puts it back to test the throttle.
AUTHENTICATION_BACKENDS = ["trainingsite.backends.RoleModelBackend"]
# The browser tests' live server answers each request in a thread of its own; a persistent
# connection would outlive the thread and keep PostgreSQL from dropping the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
