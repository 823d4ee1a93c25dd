# -*- coding: latin-1 -*-
"""Données de la souris: pipeline écrit en latin-1 (é, ü, ß, ±, µ)."""
import datajoint as dj

schema = dj.Schema("lab_séances")  # schéma


@schema
class Séance(dj.Manual):
    definition = """
    séance : int32  # numéro de séance (µs ±)
    """


clés = Séance.keys()  # clés primaires - «à migrer»
