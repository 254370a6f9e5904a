from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RotationConfig(AppConfig):
    name = "rotation"
    verbose_name = _("Rotation training")

    def ready(self) -> None:
        from . import bridge, services

        bridge.connect_signals(
            lambda enrolment_id: services.rotation_refresher_completed(enrolment_id=enrolment_id)
        )
