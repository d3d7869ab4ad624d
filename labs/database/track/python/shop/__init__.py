"""The shop: a small store on SQLite, built up one exercise at a time.

Modules you write:       queries (exercise 4), credit (5), migrate (7), report (8).
Module the lab provides: db (connections and building a fresh shop).
"""
