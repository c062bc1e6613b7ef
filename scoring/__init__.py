"""Customer value: RFM scores and segments, historic and predicted lifetime value."""
