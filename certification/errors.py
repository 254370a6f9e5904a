from trainingsite.errors import ServiceError


class CertificationError(ServiceError):
    """A quiz or certificate rule refused an action (409)."""


class AnswerError(CertificationError):
    """A posted answer does not fit its question (forged choice id, bad order, too long)."""
