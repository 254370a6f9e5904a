from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="trainingsite_profile")
def ensure_profile(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    # Every user has a profile, however they were made (createsuperuser, the Wagtail admin, ours).
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
