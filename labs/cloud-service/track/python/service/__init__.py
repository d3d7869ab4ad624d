"""The notes service: a small HTTP API built to run on a machine you do not sit at."""
