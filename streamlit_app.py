"""Entry point: ``streamlit run streamlit_app.py`` (or ``bash scripts/start.sh``).

This file is read twice, in two roles:

* imported as the module ``streamlit_app`` by the ASGI server that ``streamlit run`` starts when
  it finds ``app = st.App(...)`` here: ``app`` serves the respondent form at ``/?t=<token>`` as
  light HTML (``app.web``: its routes and middleware: security headers, gzip, the front door)
  and everything else through Streamlit;
* run as the Streamlit page script (``__name__ == "__main__"``) for every Streamlit page:
  it builds the navigation (public pages, login, and the signed-in role's pages) and runs the
  chosen page. An unexpected error is logged with an incident id and the page shows only that
  id (``app.incidents``).
"""

import streamlit as st

if __name__ == "__main__":
    from app import incidents
    from app.navigation import navigation

    st.set_page_config(page_title="基层中医药调查 TCM survey", page_icon="app/web/static/icon.png", layout="wide")
    try:
        navigation().run()
    except Exception as exc:  # st.stop() and st.rerun() are BaseExceptions and pass through
        incidents.report(exc)
else:
    from app.web.routes import middleware, routes
    from app.web.startup import lifespan

    app = st.App("streamlit_app.py", routes=routes(), middleware=middleware(), lifespan=lifespan)
