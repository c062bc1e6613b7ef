"""Tests of the customer read model."""
