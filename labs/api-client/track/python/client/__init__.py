"""A resilient client for the practice API. See exercises/ for what to build."""

from .api import ApiClient
from .auth import ClientCredentials, StaticToken
from .errors import ApiError, FieldError, NotFound, RateLimited, ServerError, Unauthorized, ValidationError
from .models import Product

__all__ = [
    "ApiClient",
    "ApiError",
    "ClientCredentials",
    "FieldError",
    "NotFound",
    "Product",
    "RateLimited",
    "ServerError",
    "StaticToken",
    "Unauthorized",
    "ValidationError",
]
