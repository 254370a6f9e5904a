from trainingsite.errors import ServiceError


class StudyError(ServiceError):
    """Recording study progress was refused."""
