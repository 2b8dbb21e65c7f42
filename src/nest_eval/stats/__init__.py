"""Statistics: intervals, the REML mixed model and funnel limits; pure numerics, no plotting."""
