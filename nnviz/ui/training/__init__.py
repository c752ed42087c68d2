"""The training studio: the worker thread, controls, live plots, recording and replay, and the run
comparison.
"""
