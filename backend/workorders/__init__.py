"""Work orders: customer and staff requests, their lifecycle, dispatch, parts used and ratings."""
