"""Pure rules of GDPR/transfer assessments (no Django): adequacy decisions, CNIL risk levels, the workflow and the
findings engine. Data tables live in marketplace/privacy/data/."""
