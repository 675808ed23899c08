"""Table models for the lists in the main window, and the proxy that searches and filters them."""
