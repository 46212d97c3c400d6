"""The Streamlit user interface: thin pages that wire widgets to the survey, sampling and analysis libraries."""
