"""Where customers live and shop: offline geocoding, homes, shopping places, distances."""
