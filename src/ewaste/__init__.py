"""E-Waste Exchange: a traceable chain from household pickup to licensed dismantling."""
