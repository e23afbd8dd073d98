"""optima: case management for OPTIMA referrals between RAV, IV and social services."""

__version__ = "0.1.0"
