"""`mps cyber` sub-commands as functions taking parsed argparse arguments. One module per area."""
