"""What analysts and data stewards ask of the graph: its shape, saved questions, its quality, exports."""
