"""Eurostat-, UNODC- and SDG-comparable statistics with disclosure control."""
