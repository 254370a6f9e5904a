from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret-3b1f6c2e-training-platform"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
