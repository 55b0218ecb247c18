"""Langer Thuis: agent-based simulation of extramuralisation and woonservicegebieden."""
__version__ = "0.1.0"
