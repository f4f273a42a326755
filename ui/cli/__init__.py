"""The command line. Qt-free: it must start fast and run on machines with no screen."""
