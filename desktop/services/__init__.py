"""Services: every user action as one function with its own transaction."""
