"""Entry point: ``streamlit run streamlit_app.py``. Builds the navigation and runs the chosen page.

A session opened with ``?t=<token>`` (a poster's QR code) gets the respondent form only; others
get the public pages, the login page and, once signed in, their role's admin pages.
"""

import streamlit as st

from app.navigation import navigation

st.set_page_config(page_title="基层中医药调查 TCM survey", page_icon=":material/local_hospital:", layout="wide")
navigation().run()
