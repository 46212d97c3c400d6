"""Entry point: ``streamlit run streamlit_app.py``. Builds the navigation and runs the chosen page."""

import streamlit as st

from app.i18n import language_switch, t
from app.navigation import pages

st.set_page_config(page_title="基层中医药调查 TCM survey", page_icon=":material/local_hospital:", layout="wide")
with st.sidebar:
    language_switch()
st.navigation(pages()).run()
