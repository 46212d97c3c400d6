"""Questionnaires, scoring, response storage, site tokens and QR posters for tcm-survey.

The library never imports streamlit; the app and the command line (`python -m survey`) sit on top.
"""
