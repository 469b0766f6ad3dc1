"""Tests of the framework-free question_bank package (no database, no app)."""
