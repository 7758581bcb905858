"""Sales: leads, the public pool (公海), opportunities, contracts and payments."""
