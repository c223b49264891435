"""Readers of inbox files. Pure: they take open files or rows and return data; they never
open the warehouse."""
