"""Reporting: disclosure control, figures and the report sections the notebooks show."""
